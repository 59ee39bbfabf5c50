using System.Data.Common;
using System.Globalization;
using Marketplace.Domain.Companies;
using Npgsql;

namespace Marketplace.Infrastructure.Matching;

internal sealed record CompanyFacts(Guid Id, string Name, CompanyRole Roles, CompanySize Size, string Certifications, bool Active);

internal readonly record struct SiteFacts(double Lat, double Lon, Guid? ClusterId, string RegionCode);

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

    // Ids per statement: far below SQL Server's 2,100 parameters and SQLite's 32,766.
    private const int IdsPerStatement = 500;

    public static Task AllCompaniesAsync(DbConnection connection, Action<CompanyFacts> row, CancellationToken ct) =>
        ForEachAsync(connection, CompanySql, r => row(ReadCompany(r)), ct);

    /// Every site, for a full load: the tables are read apart and joined in memory, which on
    /// PostgreSQL takes about half the time of the server's join of 1M capabilities with their sites.
    public static Task AllSitesAsync(DbConnection connection, Action<Guid, SiteFacts> row, CancellationToken ct) =>
        ForEachAsync(connection, "SELECT id, lat, lon, cluster_id, region_code FROM sites", r => row(ReadGuid(r, 0),
            new SiteFacts(r.GetDouble(1), r.GetDouble(2), r.IsDBNull(3) ? null : ReadGuid(r, 3), r.GetString(4))), ct);

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

    private static CapabilityFacts ReadCapability(DbDataReader r) => new(
        ReadGuid(r, 0), ReadGuid(r, 1), ReadGuid(r, 2), r.GetString(3), r.GetDouble(4), r.GetString(5), r.GetDouble(6),
        r.GetDouble(7), r.GetDouble(8), r.IsDBNull(9) ? null : ReadGuid(r, 9), r.GetString(10));

    // PostgreSQL has uuid; SQLite and SQL Server keep ids as text.
    private static Guid ReadGuid(DbDataReader r, int i) =>
        r is NpgsqlDataReader ? r.GetGuid(i) : Guid.Parse(r.GetString(i), CultureInfo.InvariantCulture);

    // The rows are read synchronously: at start-up, per row, the async path cost more than the
    // row's own work.
    private static async Task ForEachAsync(DbConnection connection, string sql, Action<DbDataReader> row, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
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
                // Ids as the canonical lower-case text those providers store.
                var names = new string[chunk.Length];
                for (var i = 0; i < chunk.Length; i++)
                {
                    var p = cmd.CreateParameter();
                    p.ParameterName = names[i] = "@i" + i.ToString(CultureInfo.InvariantCulture);
                    p.Value = chunk[i].ToString("D");
                    cmd.Parameters.Add(p);
                }
                cmd.CommandText = sql + column + " IN (" + string.Join(", ", names) + ")";
            }
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) yield return read(reader);
        }
    }
}
