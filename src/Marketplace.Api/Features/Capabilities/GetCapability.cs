using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Api.Features.Companies;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Capabilities;

public static class GetCapability
{
    public sealed record Query(string CompanyId, string CapabilityId) : IQuery<CapabilityDto>;

    public sealed class Authorizer(Db db) : IAuthorizer<Query>
    {
        public async ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) =>
            await CompanyAccess.VisibleAsync(db, message.CompanyId, caller, ct);
    }

    public sealed class Handler(Db db) : IQueryHandler<Query, CapabilityDto>
    {
        public async ValueTask<CapabilityDto> Handle(Query query, CancellationToken ct) =>
            await CompanyRows.GetAsync<CapabilityDto>(db, CapabilitySql.Select, Guid.Parse(query.CompanyId), query.CapabilityId,
                "capability", ct);
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("{capId}", async (string id, string capId, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(id, capId), ct)))
            .Produces<CapabilityDto>()
            .WithSummary("One capability of a company (the company, its partner, admins).");
}
