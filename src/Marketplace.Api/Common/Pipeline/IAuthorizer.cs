using Marketplace.Api.Common.Auth;

namespace Marketplace.Api.Common.Pipeline;

/// Decides whether the caller may see (else 404) and do (else 403) what the message asks.
/// Every message has exactly one; a message without one is refused (fail closed).
public interface IAuthorizer<in TMessage>
{
    ValueTask AuthorizeAsync(TMessage message, Caller caller, CancellationToken ct);
}

/// Marks messages that change state: inactive companies may read but not write (api.md).
public interface IWrite;
