using FluentValidation;
using Marketplace.Api.Common.Http;
using Mediator;

namespace Marketplace.Api.Common.Pipeline;

/// Step 6: a JSON body is parsed strictly and validated, then the message's own validators
/// (query parameters, paging) run. Any failure is one 400 naming every field at fault.
public sealed class ValidationBehaviour<TMessage, TResponse>(
    IServiceProvider services, IEnumerable<IValidator<TMessage>> validators, Auth.RequestContext context)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken ct)
    {
        if (message is IHasBody { Body: var body })
        {
            var names = body.Parse();
            if (message is IHasFieldPermissions fields) fields.AuthorizeFields(names, context.Caller);
            body.Bind(services);
        }
        var failures = new List<FluentValidation.Results.ValidationFailure>();
        foreach (var validator in validators)
            failures.AddRange((await validator.ValidateAsync(message, ct)).Errors);
        if (failures.Count > 0) throw new ValidationException(failures);
        return await next(message, ct);
    }
}
