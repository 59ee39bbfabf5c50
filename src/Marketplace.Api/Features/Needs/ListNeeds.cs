using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Paging;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Domain;
using Marketplace.Domain.Needs;
using Marketplace.Infrastructure.Database;
using Mediator;
using Microsoft.Extensions.Primitives;

namespace Marketplace.Api.Features.Needs;

/// api.md: without `status=` the caller's own needs in every status plus other owners' open
/// needs (admins: every need); with it, the needs in that status the caller may see.
public static class ListNeeds
{
    public sealed record Query(StringValues Status, StringValues CategoryCode, StringValues ClusterId, StringValues OwnerId, PageArgs Page)
        : IQuery<Page<NeedDto>>
    {
        public string Scope =>
            $"needs|status={Status.One()}|categoryCode={CategoryCode.One()}|clusterId={ClusterId.One()}|ownerId={OwnerId.One()}";
    }

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            this.AddFilterRule("status", x => x.Status, s => NeedStatuses.TryParse(s, out _),
                "status must be one of draft, open, closed, awarded, cancelled.");
            this.AddCategoryCodeRule(x => x.CategoryCode);
            this.AddFilterRule("clusterId", x => x.ClusterId, Id.IsValid, "clusterId must be a cluster id.");
            this.AddFilterRule("ownerId", x => x.OwnerId, Id.IsValid, "ownerId must be a company id.");
            this.AddPagingRules(x => x.Page, x => x.Scope, Id.IsValid);
        }
    }

    public sealed class Authorizer : IAuthorizer<Query>
    {
        public ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) => ValueTask.CompletedTask;
    }

    public sealed class Handler(Db db, RequestContext context) : IQueryHandler<Query, Page<NeedDto>>
    {
        public async ValueTask<Page<NeedDto>> Handle(Query query, CancellationToken ct)
        {
            var caller = context.Caller;
            var limit = query.Page.Size(Limits.PageLimitDefault);
            var after = query.Page.After(query.Scope);
            var where = new List<string>();
            var status = query.Status.One();
            if (status is not null)
            {
                where.Add(NeedSql.EffectiveStatus + " = @status");
                if (!caller.IsAdmin) where.Add(NeedSql.VisibleToCompany);
            }
            else if (!caller.IsAdmin)
            {
                where.Add("(n.owner_id = @me OR (n.status = 'open' AND n.bid_deadline > @now))");
            }
            var code = query.CategoryCode.One();
            if (code is not null) where.Add(CategoryFilter.Sql("n.category_code"));
            if (query.ClusterId.One() is not null)
                where.Add("EXISTS (SELECT 1 FROM sites s WHERE s.id = n.delivery_site_id AND s.cluster_id = @clusterId)");
            if (query.OwnerId.One() is not null) where.Add("n.owner_id = @ownerId");
            if (after is not null) where.Add("n.id > @after");
            var sql = "SELECT " + NeedSql.Columns + " FROM needs n" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
                + " ORDER BY n.id" + db.Dialect.Limit("@take");
            await using var connection = await db.OpenAsync(ct);
            var rows = await connection.QueryAsync<NeedSql.Row>(new CommandDefinition(sql, new
            {
                status, me = caller.CompanyId ?? Guid.Empty, now = context.Now, code, codePrefix = CategoryFilter.Prefix(code),
                clusterId = Parse(query.ClusterId), ownerId = Parse(query.OwnerId), after = after is null ? Guid.Empty : Guid.Parse(after),
                take = limit + 1,
            }, cancellationToken: ct));
            return Page<NeedDto>.From(rows.Select(r => r.ToDto(context.Now)).ToList(), limit, query.Scope, n => n.Id.ToString());
        }

        private static Guid Parse(StringValues v) => v.One() is { } s ? Guid.Parse(s) : Guid.Empty;
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("", async (HttpRequest r, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(r.Query["status"], r.Query["categoryCode"], r.Query["clusterId"],
                    r.Query["ownerId"], PageArgs.From(r)), ct)))
            .Produces<Page<NeedDto>>()
            .WithSummary("Needs the caller may see, in creation order; filters status=, categoryCode=, clusterId=, ownerId=.");
}
