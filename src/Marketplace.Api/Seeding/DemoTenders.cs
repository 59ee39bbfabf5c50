using System.Data.Common;
using Dapper;
using Marketplace.Domain.Catalog;
using Marketplace.Domain.Companies;
using Marketplace.Domain.Needs;
using Marketplace.Infrastructure.Seeding;

namespace Marketplace.Api.Seeding;

/// The demo's tenders: per cluster, one anchor's needs in every status (draft, open, closed,
/// awarded, cancelled), for categories its cluster's SMEs can make, with their bids, awards and
/// history, so that a new user sees a real tender on first start. Deterministic from a fixed seed.
public static class DemoTenders
{
    private const int Seed = 20_260_302;

    public readonly record struct Counts(int Needs, int Bids);

    public static async Task<Counts> InsertAsync(DbConnection connection, DbTransaction tx, DemoSupply supply, DateTimeOffset now,
        CancellationToken ct)
    {
        var random = new Random(Seed);
        var inserts = new Inserts(connection, tx, ct);
        foreach (var anchor in supply.Anchors.GroupBy(a => a.ClusterKey).Select(g => g.First()))
        {
            var plant = anchor.Sites.FirstOrDefault(s => s.ClusterId is not null);
            if (plant is null) continue;
            // What SMEs of this cluster can make, with the sites they make it at.
            var offers = supply.Suppliers
                .Where(s => s.ClusterKey == anchor.ClusterKey && CompanySizes.IsSme(s.Size))
                .SelectMany(s => s.Sites.Where(site => site.ClusterId == plant.ClusterId)
                    .SelectMany(site => site.Capabilities.Select(cap => (Supplier: s, Capability: cap))))
                .ToList();
            if (offers.Count == 0) continue;
            foreach (var status in Enum.GetValues<NeedStatus>())
                await NeedAsync(inserts, random, anchor, plant, offers, status, now);
        }
        return new Counts(inserts.Needs, inserts.Bids);
    }

    private static async Task NeedAsync(Inserts db, Random random, SeedCompany anchor, SeedSite plant,
        List<(SeedCompany Supplier, SeedCapability Capability)> offers, NeedStatus status, DateTimeOffset now)
    {
        var (_, pick) = offers[random.Next(offers.Count)];
        var group = CategoryCode.Group(pick.CategoryCode);
        var created = now.AddDays(-30 + random.Next(5));
        var deadline = status switch
        {
            NeedStatus.Draft => (DateTimeOffset?)null,
            NeedStatus.Open => now.AddDays(10 + random.Next(20)),
            NeedStatus.Cancelled => now.AddDays(5),
            _ => now.AddDays(-2 - random.Next(10)),
        };
        var need = new
        {
            id = Domain.Id.New(), ownerId = anchor.Id, title = $"{Title(pick)} для {anchor.Name}",
            categoryCode = pick.CategoryCode, quantity = Math.Round(pick.CapacityPerMonth * (0.5 + random.NextDouble()), 0),
            unit = pick.Unit, siteId = plant.Id, current = Math.Round(0.05 + random.NextDouble() * 0.35, 2), min = 0.0,
            annualValue = (decimal)(2_000_000 + random.Next(48) * 1_000_000), status = Stored(status), deadline,
            created, updated = now,
        };
        await db.NeedAsync(need);
        await db.EventAsync(need.id, created, anchor.Id.ToString(), "need", need.id, null, "draft");
        if (status == NeedStatus.Draft) return;
        var published = created.AddDays(1);
        await db.EventAsync(need.id, published, anchor.Id.ToString(), "need", need.id, "draft", "open");

        // Two to four SMEs that make this group in this unit bid (each once).
        var bidders = offers.Where(o => CategoryCode.Group(o.Capability.CategoryCode) == group && o.Capability.Unit == pick.Unit)
            .GroupBy(o => o.Supplier.Id).Select(g => g.First()).Take(2 + random.Next(3)).ToList();
        var bids = new List<(Guid Id, SeedCompany Supplier, decimal Price)>();
        foreach (var (supplier, capability) in bidders)
        {
            var bidId = Domain.Id.New();
            var price = Math.Round((decimal)(50 + random.NextDouble() * 950), 2);
            var at = published.AddDays(1 + random.Next(3));
            var bidStatus = status switch
            {
                NeedStatus.Cancelled => "cancelled",
                NeedStatus.Awarded => bids.Count == 0 ? "awarded" : "rejected",
                _ => "submitted",
            };
            await db.BidAsync(new
            {
                id = bidId, needId = need.id, supplierId = supplier.Id, price, leadTime = 7 + random.Next(50),
                localShare = capability.LocalShare, capabilityId = capability.Id, status = bidStatus, at, updated = now,
            });
            await db.EventAsync(need.id, at, supplier.Id.ToString(), "bid", bidId, null, "submitted");
            bids.Add((bidId, supplier, price));
        }
        if (status == NeedStatus.Cancelled)
        {
            await db.CancelAsync(need.id, "The programme was postponed to next year.");
            await db.EventAsync(need.id, now.AddDays(-1), anchor.Id.ToString(), "need", need.id, "open", "cancelled");
            foreach (var bid in bids)
                await db.EventAsync(need.id, now.AddDays(-1), anchor.Id.ToString(), "bid", bid.Id, "submitted", "cancelled");
        }
        if (status == NeedStatus.Awarded && bids.Count > 0)
        {
            var winner = bids[0];
            var awardedAt = deadline!.Value.AddDays(1);
            await db.AwardAsync(need.id, winner.Id, winner.Supplier.Id, winner.Price, CompanySizes.ToWire(winner.Supplier.Size));
            await db.EventAsync(need.id, awardedAt, anchor.Id.ToString(), "need", need.id, "closed", "awarded");
            foreach (var bid in bids)
                await db.EventAsync(need.id, awardedAt, anchor.Id.ToString(), "bid", bid.Id, "submitted", bid == winner ? "awarded" : "rejected");
        }
    }

    private static string Stored(NeedStatus status) => status switch
    {
        NeedStatus.Closed => "open", // closed is derived from the deadline, never stored
        NeedStatus.Awarded => "awarded",
        _ => NeedStatuses.ToWire(status),
    };

    private static string Title(SeedCapability capability) =>
        capability.Description is { Length: > 0 } d ? d : $"Components {capability.CategoryCode}";

    private sealed class Inserts(DbConnection connection, DbTransaction tx, CancellationToken ct)
    {
        public int Needs { get; private set; }
        public int Bids { get; private set; }

        public Task NeedAsync(object need)
        {
            Needs++;
            return Run("""
                INSERT INTO needs (id, owner_id, title, category_code, quantity_per_month, unit, required_certifications,
                    delivery_site_id, current_local_share, min_local_share, annual_value, currency, scope, status, bid_deadline,
                    version, created_at, updated_at)
                VALUES (@id, @ownerId, @title, @categoryCode, @quantity, @unit, '[]', @siteId, @current, @min, @annualValue,
                    'RUB', 'cluster', @status, @deadline, 1, @created, @updated)
                """, need);
        }

        public Task BidAsync(object bid)
        {
            Bids++;
            return Run("""
                INSERT INTO bids (id, need_id, supplier_id, unit_price, currency, lead_time_days, local_share, capability_id,
                    comment, status, submitted_at, updated_at)
                VALUES (@id, @needId, @supplierId, @price, 'RUB', @leadTime, @localShare, @capabilityId, NULL, @status, @at, @updated)
                """, bid);
        }

        public Task CancelAsync(Guid needId, string reason) =>
            Run("UPDATE needs SET status = 'cancelled', cancel_reason = @reason WHERE id = @needId", new { needId, reason });

        public Task AwardAsync(Guid needId, Guid bidId, Guid supplierId, decimal price, string size) => Run("""
            UPDATE needs SET award_bid_id = @bidId, award_supplier_id = @supplierId, award_unit_price = @price,
                award_currency = 'RUB', award_supplier_size = @size WHERE id = @needId
            """, new { needId, bidId, supplierId, price, size });

        public Task EventAsync(Guid needId, DateTimeOffset at, string actor, string entity, Guid entityId, string? from, string to) => Run("""
            INSERT INTO need_events (id, need_id, at, actor, entity, entity_id, from_status, to_status)
            VALUES (@id, @needId, @at, @actor, @entity, @entityId, @from, @to)
            """, new { id = Domain.Id.New(), needId, at, actor, entity, entityId, from, to });

        private Task Run(string sql, object args) => connection.ExecuteAsync(new CommandDefinition(sql, args, tx, cancellationToken: ct));
    }
}
