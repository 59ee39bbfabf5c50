namespace Marketplace.Api.Features.ApiKeys;

public static class ApiKeyEndpoints
{
    public static void MapApiKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/companies/{id}/api-keys").WithTags("API keys");
        CreateApiKey.Map(group);
        ListApiKeys.Map(group);
        GetApiKey.Map(group);
        RevokeApiKey.Map(group);
    }
}
