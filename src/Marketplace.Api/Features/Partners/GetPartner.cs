using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Partners;

public static class GetPartner
{
    public sealed record Query(string Id) : IQuery<PartnerDto>;

    /// Any key reads partners (a partner key even without X-On-Behalf-Of).
    public sealed class Authorizer : IAuthorizer<Query>
    {
        public ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) => ValueTask.CompletedTask;
    }

    public sealed class Handler(Db db) : IQueryHandler<Query, PartnerDto>
    {
        public async ValueTask<PartnerDto> Handle(Query query, CancellationToken ct)
        {
            if (!Domain.Id.TryParse(query.Id, out var id)) throw ApiException.NotFound("partner");
            await using var connection = await db.OpenAsync(ct);
            return await PartnerSql.FindLiveAsync(connection, null, id, ct) ?? throw ApiException.NotFound("partner");
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("{id}", async (string id, IMediator mediator, CancellationToken ct) => Results.Ok(await mediator.Send(new Query(id), ct)))
            .Produces<PartnerDto>()
            .WithSummary("One partner app (any key).");
}
