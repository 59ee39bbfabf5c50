using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Paging;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Api.Features.Companies;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.ApiKeys;

public static class ListApiKeys
{
    public sealed record Query(string CompanyId, PageArgs Page) : IQuery<Page<ApiKeyDto>>
    {
        public string Scope => $"api-keys|{CompanyId}";
    }

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.AddPagingRules(x => x.Page, x => x.Scope, key => Domain.Id.IsValid(key));
    }

    public sealed class Authorizer(Db db) : IAuthorizer<Query>
    {
        public ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) =>
            ApiKeySql.AuthorizeAsync(db, message.CompanyId, caller, ct);
    }

    public sealed class Handler(Db db) : IQueryHandler<Query, Page<ApiKeyDto>>
    {
        public async ValueTask<Page<ApiKeyDto>> Handle(Query query, CancellationToken ct) =>
            await CompanyRows.PageAsync<ApiKeyDto>(db, ApiKeySql.Select, "AND revoked_at IS NULL", Guid.Parse(query.CompanyId),
                query.Page, query.Scope, x => x.Id, ct);
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("", async (string id, HttpRequest request, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(id, PageArgs.From(request)), ct)))
            .Produces<Page<ApiKeyDto>>()
            .WithSummary("A company's live API keys, without the secrets (admin).");
}
