using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Needs;

public static class GetNeed
{
    public sealed record Query(string Id) : IQuery<NeedDto>;

    /// Visibility is applied by the query itself (404 for what the caller may not see).
    public sealed class Authorizer : IAuthorizer<Query>
    {
        public ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) => ValueTask.CompletedTask;
    }

    public sealed class Handler(Db db, RequestContext context) : IQueryHandler<Query, NeedDto>
    {
        public async ValueTask<NeedDto> Handle(Query query, CancellationToken ct)
        {
            await using var connection = await db.OpenAsync(ct);
            var need = await NeedSql.VisibleAsync(connection, null, db.Dialect, context.Caller, query.Id, ct);
            return need.ToDto(context.Now);
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("{id}", async (string id, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var need = await mediator.Send(new Query(id), ct);
                http.Response.Headers.ETag = need.ETag;
                return Results.Ok(need);
            })
            .Produces<NeedDto>()
            .WithSummary("One need, if the caller may see it.");
}
