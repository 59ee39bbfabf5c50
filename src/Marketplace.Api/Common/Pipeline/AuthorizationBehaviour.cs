using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Mediator;

namespace Marketplace.Api.Common.Pipeline;

/// Steps 2 and 3 of api.md's check order: visibility (404), then role and ownership (403).
public sealed class AuthorizationBehaviour<TMessage, TResponse>(
    IEnumerable<IAuthorizer<TMessage>> authorizers, RequestContext context)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken ct)
    {
        var caller = context.Caller;
        var any = false;
        foreach (var authorizer in authorizers)
        {
            any = true;
            await authorizer.AuthorizeAsync(message, caller, ct);
        }
        if (!any) throw new InvalidOperationException($"{typeof(TMessage).FullName} has no authorizer.");
        if (message is IWrite && caller.Kind != CallerKind.Admin && !caller.CompanyActive)
            throw ApiException.Forbidden(ErrorCodes.CompanyInactive, "The company is inactive: its keys may read but not write.");
        return await next(message, ct);
    }
}
