namespace Marketplace.Api.Features.Sites;

public sealed record SiteDto(
    Guid Id, Guid CompanyId, string Name, double Lat, double Lon, Guid? ClusterId, string RegionCode, DateTimeOffset CreatedAt);

/// SQL shared by the site slices.
public static class SiteSql
{
    public const string Select = """
        SELECT id AS Id, company_id AS CompanyId, name AS Name, lat AS Lat, lon AS Lon, cluster_id AS ClusterId,
               region_code AS RegionCode, created_at AS CreatedAt
        FROM sites
        """;
}
