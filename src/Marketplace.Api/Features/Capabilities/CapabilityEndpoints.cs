namespace Marketplace.Api.Features.Capabilities;

public static class CapabilityEndpoints
{
    public static void MapCapabilities(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/companies/{id}/capabilities").WithTags("Capabilities");
        CreateCapability.Map(group);
        ListCapabilities.Map(group);
        GetCapability.Map(group);
        ReplaceCapability.Map(group);
        DeleteCapability.Map(group);
    }
}
