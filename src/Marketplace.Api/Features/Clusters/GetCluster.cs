using Dapper;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Clusters;

public static class GetCluster
{
    public sealed record Query(string Id) : IQuery<ClusterDto>;

    /// Any key reads clusters.
    public sealed class Authorizer : IAuthorizer<Query>
    {
        public ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) => ValueTask.CompletedTask;
    }

    public sealed class Handler(Db db) : IQueryHandler<Query, ClusterDto>
    {
        public async ValueTask<ClusterDto> Handle(Query query, CancellationToken ct)
        {
            if (!Domain.Id.TryParse(query.Id, out var id)) throw ApiException.NotFound("cluster");
            await using var connection = await db.OpenAsync(ct);
            var row = await connection.QuerySingleOrDefaultAsync<ClusterSql.Row>(
                new CommandDefinition(ClusterSql.Select + " WHERE id = @id", new { id }, cancellationToken: ct));
            return row?.ToDto() ?? throw ApiException.NotFound("cluster");
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("{id}", async (string id, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(id), ct)))
            .Produces<ClusterDto>()
            .WithSummary("One cluster (any key).");
}
