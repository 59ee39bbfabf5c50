using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Paging;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Api.Features.Companies;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Sites;

public static class ListSites
{
    public sealed record Query(string CompanyId, PageArgs Page) : IQuery<Page<SiteDto>>
    {
        public string Scope => $"sites|{CompanyId}";
    }

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.AddPagingRules(x => x.Page, x => x.Scope, key => Domain.Id.IsValid(key));
    }

    public sealed class Authorizer(Db db) : IAuthorizer<Query>
    {
        public async ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) =>
            await CompanyAccess.VisibleAsync(db, message.CompanyId, caller, ct);
    }

    public sealed class Handler(Db db) : IQueryHandler<Query, Page<SiteDto>>
    {
        public async ValueTask<Page<SiteDto>> Handle(Query query, CancellationToken ct) =>
            await CompanyRows.PageAsync<SiteDto>(db, SiteSql.Select, null, Guid.Parse(query.CompanyId),
                query.Page, query.Scope, x => x.Id, ct);
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("", async (string id, HttpRequest request, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(id, PageArgs.From(request)), ct)))
            .Produces<Page<SiteDto>>()
            .WithSummary("A company's sites in creation order (the company, its partner, admins).");
}
