using System.Text.Json;
using Marketplace.Domain.Geo;

namespace Marketplace.Infrastructure.Seeding;

/// The real clusters of seeds/demo/clusters.json (domain.md), embedded at build time.
public static class DemoClusters
{
    /// The cluster the demo keys belong to (domain.md #2, VW Group Rus in Grabtsevo).
    public const string KalugaAutomotive = "kaluga-auto";

    public sealed record Cluster(
        string Key, string Name, string RegionCode, string City, GeoPoint Center, IReadOnlyList<string> Specializations,
        double LocalSourcingThreshold, IReadOnlyList<string> AnchorKinds)
    {
        public SupplyCluster ToSupply(Guid id) => new(id, Key, RegionCode, Center, Specializations, AnchorKinds);
    }

    public static IReadOnlyList<Cluster> Load()
    {
        using var stream = typeof(DemoClusters).Assembly.GetManifestResourceStream("demo/clusters.json")
            ?? throw new InvalidOperationException("seeds/demo/clusters.json is not embedded.");
        var rows = JsonSerializer.Deserialize<List<Row>>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("seeds/demo/clusters.json is empty.");
        return rows.Select(r => new Cluster(r.Key, r.Name, r.RegionCode, r.City, new GeoPoint(r.Center.Lat, r.Center.Lon),
            r.Specializations, r.LocalSourcingThreshold, r.AnchorKinds ?? [])).ToList();
    }

    private sealed record Point(double Lat, double Lon);

    private sealed record Row(string Key, string Name, string RegionCode, string City, Point Center, List<string> Specializations,
        double LocalSourcingThreshold, List<string>? AnchorKinds);
}
