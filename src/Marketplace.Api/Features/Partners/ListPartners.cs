using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Paging;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Domain;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Partners;

public static class ListPartners
{
    private const string Scope = "partners";

    public sealed record Query(PageArgs Page) : IQuery<Page<PartnerDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.AddPagingRules(x => x.Page, _ => Scope, key => Domain.Id.IsValid(key));
    }

    public sealed class Authorizer : IAuthorizer<Query>
    {
        public ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) => ValueTask.CompletedTask;
    }

    public sealed class Handler(Db db) : IQueryHandler<Query, Page<PartnerDto>>
    {
        public async ValueTask<Page<PartnerDto>> Handle(Query query, CancellationToken ct)
        {
            var limit = query.Page.Size(Limits.PageLimitDefault);
            var after = query.Page.After(Scope);
            var sql = PartnerSql.Select + " WHERE deleted_at IS NULL" + (after is null ? "" : " AND id > @after")
                + " ORDER BY id" + db.Dialect.Limit("@take");
            await using var connection = await db.OpenAsync(ct);
            var rows = await connection.QueryAsync<PartnerDto>(new CommandDefinition(sql,
                new { after = after is null ? Guid.Empty : Guid.Parse(after), take = limit + 1 }, cancellationToken: ct));
            return Page<PartnerDto>.From(rows.ToList(), limit, Scope, p => p.Id.ToString());
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("", async (HttpRequest request, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(PageArgs.From(request)), ct)))
            .Produces<Page<PartnerDto>>()
            .WithSummary("Partner apps in creation order (any key).");
}
