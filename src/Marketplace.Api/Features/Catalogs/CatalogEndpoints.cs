namespace Marketplace.Api.Features.Catalogs;

public static class CatalogEndpoints
{
    public static void MapCatalogs(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/catalogs/{wholesalerId}/items").WithTags("Catalogs");
        ImportCatalog.Map(group);
        ListCatalogItems.Map(group);
        GetCatalogItem.Map(group);
        DeleteCatalogItem.Map(group);
    }
}
