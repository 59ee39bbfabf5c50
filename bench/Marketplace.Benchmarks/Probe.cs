using System.Diagnostics;
using Npgsql;

namespace Marketplace.Benchmarks;

internal static class Probe
{
    public static async Task RunAsync(string connection)
    {
        await using var c = new NpgsqlConnection(connection);
        await c.OpenAsync();
        foreach (var sql in new[] {
            "SELECT id, name, roles, size, certifications, active FROM companies",
            "SELECT id, lat, lon, cluster_id, region_code FROM sites",
            "SELECT id, company_id, site_id, category_code, capacity_per_month, unit, local_share FROM capabilities",
            "SELECT k.id, k.company_id, k.site_id, k.category_code, k.capacity_per_month, k.unit, k.local_share, s.lat, s.lon, s.cluster_id, s.region_code FROM capabilities k JOIN sites s ON s.id = k.site_id" })
        {
            var t = Stopwatch.StartNew();
            await using var cmd = new NpgsqlCommand(sql, c);
            await using var r = await cmd.ExecuteReaderAsync();
            var n = 0;
            while (r.Read()) n++;
            Console.WriteLine($"sync read, no processing: {n} rows in {t.Elapsed.TotalSeconds:F2} s: {sql[..Math.Min(60, sql.Length)]}");
        }
    }
}
