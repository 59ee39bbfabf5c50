namespace Marketplace.Domain;

// A state-rule violation (api.md "Status codes" step 8): the API answers 409 with Code.
public sealed class DomainException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
