using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Domain.Needs;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Features.Needs;

public sealed record WeightsDto(double Proximity, double Capability, double Localization);

public sealed record AwardDto(Guid BidId, Guid SupplierId, decimal UnitPrice, string Currency);

public sealed record NeedDto(
    Guid Id, Guid OwnerId, string Title, string CategoryCode, double QuantityPerMonth, string Unit,
    IReadOnlyList<string> RequiredCertifications, Guid DeliverySiteId, double CurrentLocalShare, double MinLocalShare,
    decimal AnnualValue, string Currency, string Scope, double? RadiusKm, WeightsDto? Weights, double? ProximityScaleKm,
    string Status, DateTimeOffset? BidDeadline, AwardDto? Award, string? CancelReason, DateTimeOffset CreatedAt)
{
    [JsonIgnore] public int Version { get; init; }

    /// Strong, and covering the derived status: a need that closes at its deadline gets a new tag.
    [JsonIgnore] public string ETag => $"\"{Version}.{Status}\"";
}

/// SQL shared by the need and bid slices.
public static class NeedSql
{
    public const string Columns = """
        n.id AS Id, n.owner_id AS OwnerId, n.title AS Title, n.category_code AS CategoryCode,
        n.quantity_per_month AS QuantityPerMonth, n.unit AS Unit, n.required_certifications AS RequiredCertifications,
        n.delivery_site_id AS DeliverySiteId, n.current_local_share AS CurrentLocalShare, n.min_local_share AS MinLocalShare,
        n.annual_value AS AnnualValue, n.currency AS Currency, n.scope AS Scope, n.radius_km AS RadiusKm,
        n.weight_proximity AS WeightProximity, n.weight_capability AS WeightCapability, n.weight_localization AS WeightLocalization,
        n.proximity_scale_km AS ProximityScaleKm, n.status AS Status, n.bid_deadline AS BidDeadline,
        n.cancel_reason AS CancelReason, n.award_bid_id AS AwardBidId, n.award_supplier_id AS AwardSupplierId,
        n.award_unit_price AS AwardUnitPrice, n.award_currency AS AwardCurrency, n.award_supplier_size AS AwardSupplierSize,
        n.version AS Version, n.created_at AS CreatedAt, n.updated_at AS UpdatedAt
        """;

    /// The effective status in SQL: `closed` is derived from the deadline and @now (api.md).
    public const string EffectiveStatus = "CASE WHEN n.status = 'open' AND n.bid_deadline <= @now THEN 'closed' ELSE n.status END";

    /// Which needs a company (or a partner acting for it, @me) may see: its own in every status,
    /// others' open, closed and awarded ones, and cancelled ones it had bid on. Admins see all.
    public const string VisibleToCompany = """
        (n.owner_id = @me OR n.status IN ('open', 'awarded')
         OR (n.status = 'cancelled' AND EXISTS (SELECT 1 FROM bids vb WHERE vb.need_id = n.id AND vb.supplier_id = @me)))
        """;

    /// The need if the caller may see it, else 404 (also for an id that is not one). With a
    /// transaction, the row is locked until it ends.
    public static async Task<Row> VisibleAsync(DbConnection connection, DbTransaction? tx, Dialect dialect, Caller caller,
        string id, CancellationToken ct)
    {
        if (!Domain.Id.TryParse(id, out var needId)) throw ApiException.NotFound("need");
        var sql = "SELECT " + Columns + " FROM needs n" + (tx is null ? "" : dialect.LockHint)
            + " WHERE n.id = @id" + (caller.IsAdmin ? "" : " AND " + VisibleToCompany) + (tx is null ? "" : dialect.ForUpdate);
        return await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql,
                   new { id = needId, me = caller.CompanyId ?? Guid.Empty }, tx, cancellationToken: ct))
               ?? throw ApiException.NotFound("need");
    }

    /// The need whoever may see it, or null: for callers that check ownership themselves (NeedAccess).
    public static Task<Row?> FindAsync(DbConnection connection, Guid id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT " + Columns + " FROM needs n WHERE n.id = @id", new { id }, cancellationToken: ct));

    public static bool IsOwner(Row need, Caller caller) => !caller.IsAdmin && caller.CompanyId == need.OwnerId;

    /// Owner actions (publish, cancel, award, patch): the owner, or an admin.
    public static void RequireOwner(Row need, Caller caller)
    {
        if (!caller.IsAdmin && caller.CompanyId != need.OwnerId)
            throw ApiException.Forbidden(ErrorCodes.Forbidden, "Only the need's owner may do this.");
    }

    public static string Actor(Caller caller) => caller.IsAdmin ? "admin" : caller.CompanyId!.Value.ToString();

    public static Task RecordEventAsync(DbConnection connection, DbTransaction tx, Guid needId, DateTimeOffset at, string actor,
        string entity, Guid entityId, string? from, string to, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO need_events (id, need_id, at, actor, entity, entity_id, from_status, to_status)
            VALUES (@id, @needId, @at, @actor, @entity, @entityId, @from, @to)
            """, new { id = Domain.Id.New(), needId, at, actor, entity, entityId, from, to }, tx, cancellationToken: ct));

    /// A need row; queries that add columns (analytics) extend it.
    public class Row
    {
        public Guid Id { get; init; }
        public Guid OwnerId { get; init; }
        public string Title { get; init; } = "";
        public string CategoryCode { get; init; } = "";
        public double QuantityPerMonth { get; init; }
        public string Unit { get; init; } = "";
        public string RequiredCertifications { get; init; } = "[]";
        public Guid DeliverySiteId { get; init; }
        public double CurrentLocalShare { get; init; }
        public double MinLocalShare { get; init; }
        public decimal AnnualValue { get; init; }
        public string Currency { get; init; } = "";
        public string Scope { get; init; } = "";
        public double? RadiusKm { get; init; }
        public double? WeightProximity { get; init; }
        public double? WeightCapability { get; init; }
        public double? WeightLocalization { get; init; }
        public double? ProximityScaleKm { get; init; }
        public string Status { get; init; } = "";
        public DateTimeOffset? BidDeadline { get; init; }
        public string? CancelReason { get; init; }
        public Guid? AwardBidId { get; init; }
        public Guid? AwardSupplierId { get; init; }
        public decimal? AwardUnitPrice { get; init; }
        public string? AwardCurrency { get; init; }
        public string? AwardSupplierSize { get; init; }
        public int Version { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }

        public Tender Tender() => new(NeedStatuses.TryParse(Status, out var s) ? s : NeedStatus.Draft, BidDeadline);

        public NeedDto ToDto(DateTimeOffset now) => new(
            Id, OwnerId, Title, CategoryCode, QuantityPerMonth, Unit,
            JsonSerializer.Deserialize<List<string>>(RequiredCertifications) ?? [], DeliverySiteId, CurrentLocalShare, MinLocalShare,
            AnnualValue, Currency, Scope, RadiusKm,
            WeightProximity is { } p ? new WeightsDto(p, WeightCapability ?? 0, WeightLocalization ?? 0) : null, ProximityScaleKm,
            NeedStatuses.ToWire(Tender().StatusAt(now)), BidDeadline,
            AwardBidId is { } bid ? new AwardDto(bid, AwardSupplierId!.Value, AwardUnitPrice ?? 0, AwardCurrency ?? Currency) : null,
            CancelReason, CreatedAt) { Version = Version };

        public NeedInput ToInput() => new()
        {
            Title = Title, CategoryCode = CategoryCode, QuantityPerMonth = QuantityPerMonth, Unit = Unit,
            RequiredCertifications = (JsonSerializer.Deserialize<List<string>>(RequiredCertifications) ?? []).Select(c => (string?)c).ToList(),
            DeliverySiteId = DeliverySiteId.ToString(), CurrentLocalShare = CurrentLocalShare, MinLocalShare = MinLocalShare,
            AnnualValue = AnnualValue, Currency = Currency, Scope = Scope, RadiusKm = RadiusKm,
            Weights = WeightProximity is { } p ? new WeightsInput { Proximity = p, Capability = WeightCapability, Localization = WeightLocalization } : null,
            ProximityScaleKm = ProximityScaleKm,
        };
    }
}
