namespace Marketplace.Api.Features.Companies;

public static class CompanyEndpoints
{
    public static void MapCompanies(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/companies").WithTags("Companies");
        CreateCompany.Map(group);
        ListCompanies.Map(group);
        GetCompany.Map(group);
        PatchCompany.Map(group);
    }
}
