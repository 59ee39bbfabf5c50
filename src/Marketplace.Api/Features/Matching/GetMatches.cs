using System.Globalization;
using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Paging;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Api.Features.Needs;
using Marketplace.Domain;
using Marketplace.Domain.Companies;
using Marketplace.Domain.Matching;
using Marketplace.Infrastructure.Database;
using Marketplace.Infrastructure.Matching;
using Mediator;
using Microsoft.Extensions.Primitives;

namespace Marketplace.Api.Features.Matching;

/// GET /needs/{id}/matches (api.md, matching.md): the owner and admins read the ranked supply
/// for a need, from the in-memory index; the cursor encodes the last item's sort key.
public static class GetMatches
{
    public sealed record WeightsJson(double Proximity, double Capability, double Localization);

    public sealed record MatchJson(
        string Kind, Guid CompanyId, string CompanyName, string CompanySize, Guid SiteId, Guid? CapabilityId, string? Sku,
        string CategoryCode, double Score, double Proximity, double Capability, double Localization, double DistanceKm,
        double CategoryMatch, double CapacityCoverage, double LocalShare, double LocalizationGainPoints, WeightsJson Weights);

    public sealed record MatchList(IReadOnlyList<MatchJson> Items, string? NextCursor);

    public sealed record Query(string NeedId, StringValues Limit, StringValues Cursor, StringValues IncludeCatalog, StringValues IncludeLarge)
        : IQuery<MatchList>
    {
        public string Scope => $"matches|{NeedId}|catalog={Flag(IncludeCatalog)}|large={Flag(IncludeLarge)}";
    }

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            this.AddFilterRule("includeCatalog", x => x.IncludeCatalog, IsFlag, "includeCatalog must be true or false.");
            this.AddFilterRule("includeLarge", x => x.IncludeLarge, IsFlag, "includeLarge must be true or false.");
            this.AddPagingRules(x => new PageArgs(x.Limit, x.Cursor), x => x.Scope, key => TryDecodeKey(key, out _));
        }
    }

    /// Owner and admins; others who can see the need get 403, others 404.
    public sealed class Authorizer(NeedAccess access) : IAuthorizer<Query>
    {
        public async ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) =>
            await access.OwnerReadAsync(message.NeedId, caller, ct);
    }

    public sealed class Handler(Db db, RequestContext context, NeedAccess access, SupplyIndex index) : IQueryHandler<Query, MatchList>
    {
        public async ValueTask<MatchList> Handle(Query query, CancellationToken ct)
        {
            await using var connection = await db.OpenAsync(ct);
            var need = await access.OwnerReadAsync(query.NeedId, context.Caller, ct);
            var matchNeed = await MatchNeeds.LoadAsync(connection, need, ct);
            var limit = new PageArgs(query.Limit, default).Size(Limits.MatchesLimitDefault);
            MatchKey? after = query.Cursor.Count > 0 && Cursor.TryDecode(query.Cursor[0], query.Scope, out var raw) && TryDecodeKey(raw, out var key)
                ? key : null;
            var options = new MatchOptions(IncludeLarge: Flag(query.IncludeLarge), IncludeCatalog: Flag(query.IncludeCatalog));
            var page = index.Query(matchNeed, options, limit, after);
            var next = page.HasMore ? Cursor.Encode(query.Scope, EncodeKey(SupplyIndex.KeyOf(page.Items[^1]))) : null;
            return new MatchList(page.Items.Select(ToJson).ToList(), next);
        }
    }

    public static MatchJson ToJson(Match m) => new(
        m.Kind == CandidateKind.Capability ? "capability" : "catalogItem", m.CompanyId, m.CompanyName, CompanySizes.ToWire(m.CompanySize),
        m.SiteId, m.CapabilityId, m.Sku, m.CategoryCode, m.Score, m.Proximity, m.Capability, m.Localization, m.DistanceKm,
        m.CategoryMatch, m.CapacityCoverage, m.LocalShare, m.LocalizationGainPoints,
        new WeightsJson(m.Weights.Proximity, m.Weights.Capability, m.Weights.Localization));

    private static bool IsFlag(string s) => s is "true" or "false";

    private static bool Flag(StringValues v) => v.Count > 0 && v[0] == "true";

    // Doubles in round-trip form, so the key is exact.
    private static string EncodeKey(MatchKey k) => string.Join('|',
        k.Score.ToString("R", CultureInfo.InvariantCulture), k.Localization.ToString("R", CultureInfo.InvariantCulture),
        k.DistanceKm.ToString("R", CultureInfo.InvariantCulture), Id.Format(k.CompanyId));

    private static bool TryDecodeKey(string raw, out MatchKey key)
    {
        key = default;
        var parts = raw.Split('|');
        if (parts.Length != 4
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var g)
            || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            || !Id.TryParse(parts[3], out var company)) return false;
        key = new MatchKey(s, g, d, company);
        return true;
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/needs/{id}/matches", async (string id, HttpRequest r, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(id, r.Query["limit"], r.Query["cursor"], r.Query["includeCatalog"],
                    r.Query["includeLarge"]), ct)))
            .WithTags("Matching")
            .Produces<MatchList>()
            .WithSummary("Local supply ranked for a need by proximity, capability and localization gain, explained (owner, admins).");
}
