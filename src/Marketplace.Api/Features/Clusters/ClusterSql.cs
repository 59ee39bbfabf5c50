using System.Data.Common;
using System.Text.Json;
using Dapper;

namespace Marketplace.Api.Features.Clusters;

public sealed record GeoPointDto(double Lat, double Lon);

public sealed record ClusterDto(
    Guid Id, string Name, string RegionCode, string RegionName, GeoPointDto Center,
    IReadOnlyList<string> Specializations, double LocalSourcingThreshold, DateTimeOffset CreatedAt);

/// SQL shared by the cluster slices and the demo seeder.
public static class ClusterSql
{
    public const string Select = """
        SELECT id AS Id, name AS Name, region_code AS RegionCode, region_name AS RegionName,
               center_lat AS CenterLat, center_lon AS CenterLon, specializations AS Specializations,
               local_sourcing_threshold AS LocalSourcingThreshold, created_at AS CreatedAt
        FROM clusters
        """;

    public static Task InsertAsync(DbConnection connection, DbTransaction transaction, ClusterDto c, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO clusters (id, name, region_code, region_name, center_lat, center_lon, specializations,
                                  local_sourcing_threshold, created_at)
            VALUES (@Id, @Name, @RegionCode, @RegionName, @Lat, @Lon, @Specializations, @LocalSourcingThreshold, @CreatedAt)
            """, new
        {
            c.Id, c.Name, c.RegionCode, c.RegionName, c.Center.Lat, c.Center.Lon,
            Specializations = JsonSerializer.Serialize(c.Specializations), c.LocalSourcingThreshold, c.CreatedAt,
        }, transaction, cancellationToken: ct));

    public sealed class Row
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
        public string RegionCode { get; init; } = "";
        public string RegionName { get; init; } = "";
        public double CenterLat { get; init; }
        public double CenterLon { get; init; }
        public string Specializations { get; init; } = "[]";
        public double LocalSourcingThreshold { get; init; }
        public DateTimeOffset CreatedAt { get; init; }

        public ClusterDto ToDto() => new(Id, Name, RegionCode, RegionName, new GeoPointDto(CenterLat, CenterLon),
            JsonSerializer.Deserialize<List<string>>(Specializations) ?? [], LocalSourcingThreshold, CreatedAt);
    }
}
