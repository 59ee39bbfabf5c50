namespace Marketplace.Api.Features.Sites;

public static class SiteEndpoints
{
    public static void MapSites(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/companies/{id}/sites").WithTags("Sites");
        CreateSite.Map(group);
        ListSites.Map(group);
        GetSite.Map(group);
    }
}
