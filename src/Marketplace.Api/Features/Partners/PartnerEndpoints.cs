namespace Marketplace.Api.Features.Partners;

public static class PartnerEndpoints
{
    public static void MapPartners(this IEndpointRouteBuilder app)
    {
        var partners = app.MapGroup("/api/v1/partners").WithTags("Partner apps");
        CreatePartner.Map(partners);
        ListPartners.Map(partners);
        GetPartner.Map(partners);
        DeletePartner.Map(partners);

        var grants = app.MapGroup("/api/v1/companies/{id}/partners").WithTags("Partner apps");
        GrantPartner.Map(grants);
        ListGrantedPartners.Map(grants);
        RevokePartner.Map(grants);
    }
}
