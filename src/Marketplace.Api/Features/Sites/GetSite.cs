using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Api.Features.Companies;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Sites;

public static class GetSite
{
    public sealed record Query(string CompanyId, string SiteId) : IQuery<SiteDto>;

    public sealed class Authorizer(Db db) : IAuthorizer<Query>
    {
        public async ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) =>
            await CompanyAccess.VisibleAsync(db, message.CompanyId, caller, ct);
    }

    public sealed class Handler(Db db) : IQueryHandler<Query, SiteDto>
    {
        public async ValueTask<SiteDto> Handle(Query query, CancellationToken ct) =>
            await CompanyRows.GetAsync<SiteDto>(db, SiteSql.Select, Guid.Parse(query.CompanyId), query.SiteId, "site", ct);
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("{siteId}", async (string id, string siteId, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(id, siteId), ct)))
            .Produces<SiteDto>()
            .WithSummary("One site of a company (the company, its partner, admins).");
}
