namespace Marketplace.Api.Common.Http;

/// Documents a request body in the OpenAPI document without letting routing match on the
/// Content-Type (`Accepts` would turn a wrong type into a routing miss; api.md wants 415 after
/// authorization instead).
public sealed record JsonBodyMetadata(Type BodyType, IReadOnlyList<string> ContentTypes);

public static class JsonBodyMetadataExtensions
{
    public static RouteHandlerBuilder AcceptsJson<TBody>(this RouteHandlerBuilder builder, params string[] contentTypes) =>
        builder.WithMetadata(new JsonBodyMetadata(typeof(TBody), contentTypes.Length > 0 ? contentTypes : ["application/json"]));
}
