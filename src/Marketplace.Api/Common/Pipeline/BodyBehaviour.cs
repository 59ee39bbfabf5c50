using Marketplace.Api.Common.Http;
using Mediator;

namespace Marketplace.Api.Common.Pipeline;

/// Step 4: the content type (415) and size (413) of a JSON body, read into memory (<= 1 MiB), or
/// of a streamed body (its declared length only: the handler reads it).
public sealed class BodyBehaviour<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken ct)
    {
        if (message is IHasBody { Body: var body }) await body.ReadAsync(ct);
        if (message is IHasStreamedBody { Body: var streamed }) streamed.Check();
        return await next(message, ct);
    }
}
