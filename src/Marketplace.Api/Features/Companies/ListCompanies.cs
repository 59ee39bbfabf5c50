using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Paging;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Domain;
using Marketplace.Domain.Companies;
using Marketplace.Infrastructure.Database;
using Mediator;
using Microsoft.Extensions.Primitives;

namespace Marketplace.Api.Features.Companies;

public static class ListCompanies
{
    public sealed record Query(StringValues Role, StringValues Size, StringValues ClusterId, StringValues CategoryCode, PageArgs Page)
        : IQuery<Page<CompanyDto>>
    {
        /// A cursor belongs to one filter: paging with another filter is 400 (api.md).
        public string Scope =>
            $"companies|role={Role.One()}|size={Size.One()}|clusterId={ClusterId.One()}|categoryCode={CategoryCode.One()}";
    }

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            this.AddFilterRule("role", x => x.Role, r => CompanyRoles.TryParse(r, out _), CompanyRules.RolesMessage.Replace("'roles' must be a non-empty array of", "'role' must be one of"));
            this.AddFilterRule("size", x => x.Size, CompanyRules.ValidSize, CompanyRules.SizeMessage);
            this.AddFilterRule("clusterId", x => x.ClusterId, Domain.Id.IsValid, "'clusterId' must be a cluster id.");
            this.AddCategoryCodeRule(x => x.CategoryCode);
            this.AddPagingRules(x => x.Page, x => x.Scope, key => Domain.Id.IsValid(key));
        }
    }

    public sealed class Authorizer : IAuthorizer<Query>
    {
        public ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) => ValueTask.CompletedTask;
    }

    public sealed class Handler(Db db) : IQueryHandler<Query, Page<CompanyDto>>
    {
        public async ValueTask<Page<CompanyDto>> Handle(Query query, CancellationToken ct)
        {
            var limit = query.Page.Size(Limits.PageLimitDefault);
            var after = query.Page.After(query.Scope);
            CompanyRoles.TryParse(query.Role.One(), out var role);
            var where = new List<string>();
            if (role != CompanyRole.None) where.Add("(roles & @role) <> 0");
            if (query.Size.One() is not null) where.Add("size = @size");
            Guid? clusterId = query.ClusterId.One() is { } cluster ? Guid.Parse(cluster) : null;
            if (clusterId is not null)
                where.Add("EXISTS (SELECT 1 FROM sites s WHERE s.company_id = companies.id AND s.cluster_id = @clusterId)");
            var code = query.CategoryCode.One();
            if (code is not null)
                where.Add("EXISTS (SELECT 1 FROM capabilities c WHERE c.company_id = companies.id AND " + CategoryFilter.Sql("c.category_code") + ")");
            if (after is not null) where.Add("id > @after");
            var sql = CompanySql.Select + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
                + " ORDER BY id" + db.Dialect.Limit("@take");
            await using var connection = await db.OpenAsync(ct);
            var rows = await connection.QueryAsync<CompanySql.Row>(new CommandDefinition(sql, new
            {
                role = (int)role, size = query.Size.One(), clusterId, code, codePrefix = CategoryFilter.Prefix(code),
                after = after is null ? Guid.Empty : Guid.Parse(after), take = limit + 1,
            }, cancellationToken: ct));
            return Page<CompanyDto>.From(rows.Select(r => r.ToDto()).ToList(), limit, query.Scope, c => c.Id.ToString());
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("", async (HttpRequest request, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(request.Query["role"], request.Query["size"],
                    request.Query["clusterId"], request.Query["categoryCode"], PageArgs.From(request)), ct)))
            .Produces<Page<CompanyDto>>()
            .WithSummary("The company directory in creation order (any key); filters role=, size=, clusterId= (has a site there), categoryCode= (has a capability under it).");
}
