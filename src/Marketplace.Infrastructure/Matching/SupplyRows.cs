using System.Data.Common;
using System.Globalization;
using Marketplace.Domain.Companies;
using Npgsql;

namespace Marketplace.Infrastructure.Matching;

internal sealed record CompanyFacts(Guid Id, string Name, CompanyRole Roles, CompanySize Size, string Certifications, bool Active);

internal readonly record struct SiteFacts(double Lat, double Lon, Guid? ClusterId, string RegionCode);

/// A catalog item that is a candidate (matching.md: stock > 0, local share and warehouse site set).
internal readonly record struct CatalogFacts(Guid WholesalerId, string Sku, string CategoryCode, string Unit, long Stock, double LocalShare,
    Guid SiteId);

internal readonly record struct CapabilityFacts(
    Guid Id, Guid CompanyId, Guid SiteId, string CategoryCode, double Capacity, string Unit, double LocalShare,
    double Lat, double Lon, Guid? ClusterId, string RegionCode);

/// The rows the index is built from, streamed with a plain data reader (no object per row beyond
/// its strings): the whole supply at start, or the rows a batch of changes names.
internal static class SupplyRows
{
    private const string CompanySql = "SELECT id, name, roles, size, certifications, active FROM companies";

    private const string CapabilitySql = """
        SELECT k.id, k.company_id, k.site_id, k.category_code, k.capacity_per_month, k.unit, k.local_share,
               s.lat, s.lon, s.cluster_id, s.region_code
        FROM capabilities k JOIN sites s ON s.id = k.site_id
        """;

    // Only the items matching.md makes candidates; the rest never enter the index.
    private const string CatalogSql = """
        SELECT wholesaler_id, sku, category_code, unit, stock, local_share, warehouse_site_id FROM catalog_items
        WHERE stock > 0 AND local_share IS NOT NULL AND warehouse_site_id IS NOT NULL
        """;

    private const string SiteSql = "SELECT id, lat, lon, cluster_id, region_code FROM sites";

    // Ids per statement: far below SQL Server's 2,100 parameters and SQLite's 32,766.
    private const int IdsPerStatement = 500;

    public static Task AllCompaniesAsync(DbConnection connection, Action<CompanyFacts> row, CancellationToken ct) =>
        ForEachAsync(connection, CompanySql, r => row(ReadCompany(r)), ct);

    /// Every site, for a full load: the tables are read apart and joined in memory, which on
    /// PostgreSQL takes about half the time of the server's join of 1M capabilities with their sites.
    public static Task AllSitesAsync(DbConnection connection, Action<Guid, SiteFacts> row, CancellationToken ct) =>
        ForEachAsync(connection, SiteSql, r => row(ReadGuid(r, 0), ReadSite(r)), ct);

    public static IAsyncEnumerable<(Guid Id, SiteFacts Site)> SitesAsync(DbConnection connection, IReadOnlyCollection<Guid> ids,
        CancellationToken ct) =>
        ReadByIdsAsync(connection, SiteSql + " WHERE ", "id", ids, r => (ReadGuid(r, 0), ReadSite(r)), ct);

    /// A wholesaler's sites: its warehouses, where its catalog items are (ix_sites_company).
    public static IAsyncEnumerable<(Guid Id, SiteFacts Site)> SitesOfCompanyAsync(DbConnection connection, Guid companyId,
        CancellationToken ct) =>
        ReadByIdsAsync(connection, SiteSql + " WHERE ", "company_id", [companyId], r => (ReadGuid(r, 0), ReadSite(r)), ct);

    /// Every candidate catalog item, for a full load.
    public static Task AllCatalogItemsAsync(DbConnection connection, Action<CatalogFacts> row, CancellationToken ct) =>
        ForEachAsync(connection, CatalogSql, r => row(ReadCatalogItem(r)), ct);

    /// One wholesaler's candidate items, in one streamed query on the primary key (a catalog may
    /// hold a million items).
    public static Task CatalogItemsAsync(DbConnection connection, Guid wholesalerId, Action<CatalogFacts> row, CancellationToken ct) =>
        ForEachAsync(connection, CatalogSql + " AND wholesaler_id = @w ORDER BY sku", r => row(ReadCatalogItem(r)), ct,
            cmd => AddId(cmd, "@w", wholesalerId));

    /// Every capability without its site's columns (see AllSitesAsync).
    public static Task AllCapabilitiesAsync(DbConnection connection,
        Action<(Guid Id, Guid CompanyId, Guid SiteId, string CategoryCode, double Capacity, string Unit, double LocalShare)> row,
        CancellationToken ct) =>
        ForEachAsync(connection, "SELECT id, company_id, site_id, category_code, capacity_per_month, unit, local_share FROM capabilities",
            r => row((ReadGuid(r, 0), ReadGuid(r, 1), ReadGuid(r, 2), r.GetString(3), r.GetDouble(4), r.GetString(5), r.GetDouble(6))), ct);

    public static IAsyncEnumerable<CompanyFacts> CompaniesAsync(DbConnection connection, IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        ReadByIdsAsync(connection, CompanySql + " WHERE ", "id", ids, ReadCompany, ct);

    public static IAsyncEnumerable<CapabilityFacts> CapabilitiesAsync(DbConnection connection, IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        ReadByIdsAsync(connection, CapabilitySql + " WHERE ", "k.id", ids, ReadCapability, ct);

    public static IAsyncEnumerable<CapabilityFacts> CapabilitiesAtSitesAsync(DbConnection connection, IReadOnlyCollection<Guid> siteIds,
        CancellationToken ct) =>
        ReadByIdsAsync(connection, CapabilitySql + " WHERE ", "k.site_id", siteIds, ReadCapability, ct);

    private static CompanyFacts ReadCompany(DbDataReader r) => new(
        ReadGuid(r, 0), r.GetString(1), (CompanyRole)r.GetInt32(2),
        CompanySizes.TryParse(r.GetString(3), out var size) ? size : CompanySize.Large, r.GetString(4), r.GetBoolean(5));

    private static SiteFacts ReadSite(DbDataReader r) =>
        new(r.GetDouble(1), r.GetDouble(2), r.IsDBNull(3) ? null : ReadGuid(r, 3), r.GetString(4));

    private static CatalogFacts ReadCatalogItem(DbDataReader r) => new(
        ReadGuid(r, 0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), NearestDouble(r.GetDecimal(5)), ReadGuid(r, 6));

    /// The double nearest to a decimal (matching.md converts every input to the nearest double).
    /// With at most 53 bits of digits and at most 22 decimals, the one division of two exactly
    /// represented doubles that the runtime does is correctly rounded; otherwise the shortest text
    /// is parsed, which is.
    internal static double NearestDouble(decimal d)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(d, bits);
        var scale = (bits[3] >> 16) & 0xFF;
        var exact = bits[2] == 0 && (uint)bits[1] < (1u << 21) && scale <= 22;
        return exact ? (double)d : double.Parse(d.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static CapabilityFacts ReadCapability(DbDataReader r) => new(
        ReadGuid(r, 0), ReadGuid(r, 1), ReadGuid(r, 2), r.GetString(3), r.GetDouble(4), r.GetString(5), r.GetDouble(6),
        r.GetDouble(7), r.GetDouble(8), r.IsDBNull(9) ? null : ReadGuid(r, 9), r.GetString(10));

    // PostgreSQL has uuid; SQLite and SQL Server keep ids as text.
    private static Guid ReadGuid(DbDataReader r, int i) =>
        r is NpgsqlDataReader ? r.GetGuid(i) : Guid.Parse(r.GetString(i), CultureInfo.InvariantCulture);

    // The rows are read synchronously: at start-up, per row, the async path cost more than the
    // row's own work.
    private static async Task ForEachAsync(DbConnection connection, string sql, Action<DbDataReader> row, CancellationToken ct,
        Action<DbCommand>? parameters = null)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        parameters?.Invoke(cmd);
        cmd.CommandTimeout = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (reader.Read())
        {
            row(reader);
            ct.ThrowIfCancellationRequested();
        }
    }

    private static async IAsyncEnumerable<T> ReadByIdsAsync<T>(DbConnection connection, string sql, string column,
        IReadOnlyCollection<Guid> ids, Func<DbDataReader, T> read, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var chunk in ids.Chunk(IdsPerStatement))
        {
            await using var cmd = connection.CreateCommand();
            if (connection is NpgsqlConnection)
            {
                cmd.CommandText = sql + column + " = ANY(@ids)";
                cmd.Parameters.Add(new NpgsqlParameter("ids", chunk));
            }
            else
            {
                var names = new string[chunk.Length];
                for (var i = 0; i < chunk.Length; i++) AddId(cmd, names[i] = "@i" + i.ToString(CultureInfo.InvariantCulture), chunk[i]);
                cmd.CommandText = sql + column + " IN (" + string.Join(", ", names) + ")";
            }
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) yield return read(reader);
        }
    }

    // Ids as the canonical lower-case text SQLite and SQL Server store; uuid on PostgreSQL.
    private static void AddId(DbCommand cmd, string name, Guid id)
    {
        if (cmd is NpgsqlCommand)
        {
            cmd.Parameters.Add(new NpgsqlParameter(name.TrimStart('@'), id));
            return;
        }
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.DbType = System.Data.DbType.AnsiStringFixedLength;
        p.Value = id.ToString("D");
        cmd.Parameters.Add(p);
    }
}
