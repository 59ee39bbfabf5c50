using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Paging;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Domain;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Clusters;

public static class ListClusters
{
    private const string Scope = "clusters";

    public sealed record Query(PageArgs Page) : IQuery<Page<ClusterDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.AddPagingRules(x => x.Page, _ => Scope, key => Domain.Id.IsValid(key));
    }

    public sealed class Authorizer : IAuthorizer<Query>
    {
        public ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) => ValueTask.CompletedTask;
    }

    public sealed class Handler(Db db) : IQueryHandler<Query, Page<ClusterDto>>
    {
        public async ValueTask<Page<ClusterDto>> Handle(Query query, CancellationToken ct)
        {
            var limit = query.Page.Size(Limits.PageLimitDefault);
            var after = query.Page.After(Scope) is { } key ? Guid.Parse(key) : (Guid?)null;
            await using var connection = await db.OpenAsync(ct);
            // Ids are UUIDv7, so id order is creation order.
            var sql = ClusterSql.Select + (after is null ? "" : " WHERE id > @after") + " ORDER BY id" + db.Dialect.Limit("@take");
            var rows = await connection.QueryAsync<ClusterSql.Row>(new CommandDefinition(sql,
                new { after = after ?? Guid.Empty, take = limit + 1 }, cancellationToken: ct));
            return Page<ClusterDto>.From(rows.Select(r => r.ToDto()).ToList(), limit, Scope, c => c.Id.ToString());
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("", async (HttpRequest request, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(PageArgs.From(request)), ct)))
            .Produces<Page<ClusterDto>>()
            .WithSummary("Clusters in creation order (any key).");
}
