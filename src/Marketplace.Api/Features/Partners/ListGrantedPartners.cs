using Dapper;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Partners;

/// The partner apps a supplier has granted (for the supplier and admins).
public static class ListGrantedPartners
{
    public sealed record Query(string CompanyId) : IQuery<GrantedPartners>;

    public sealed record GrantedPartners(IReadOnlyList<PartnerDto> Items);

    public sealed class Authorizer(Db db) : IAuthorizer<Query>
    {
        public ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) =>
            PartnerSql.AuthorizeGrantsAsync(db, message.CompanyId, caller, ct);
    }

    public sealed class Handler(Db db) : IQueryHandler<Query, GrantedPartners>
    {
        public async ValueTask<GrantedPartners> Handle(Query query, CancellationToken ct)
        {
            await using var connection = await db.OpenAsync(ct);
            var rows = await connection.QueryAsync<PartnerDto>(new CommandDefinition("""
                SELECT p.id AS Id, p.name AS Name FROM partner_grants g JOIN partners p ON p.id = g.partner_id
                WHERE g.company_id = @companyId AND p.deleted_at IS NULL ORDER BY p.id
                """, new { companyId = Guid.Parse(query.CompanyId) }, cancellationToken: ct));
            return new GrantedPartners(rows.ToList());
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("", async (string id, IMediator mediator, CancellationToken ct) => Results.Ok(await mediator.Send(new Query(id), ct)))
            .Produces<GrantedPartners>()
            .WithSummary("Partner apps this supplier granted (the supplier or an admin).");
}
