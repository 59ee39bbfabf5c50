using Dapper;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Capabilities;

/// PUT: the body replaces every writable field (a field left out takes its default, or is 400
/// when required); the same body and validation as POST.
public static class ReplaceCapability
{
    public sealed record Command(string CompanyId, string CapabilityId, JsonBody<CreateCapability.Body> Body)
        : ICommand<CapabilityDto>, IHasBody, IWrite
    {
        IJsonBody IHasBody.Body => Body;
    }

    public sealed class Authorizer(Db db) : IAuthorizer<Command>
    {
        public ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct) =>
            CapabilitySql.AuthorizeWriteAsync(db, message.CompanyId, message.CapabilityId, caller, ct);
    }

    public sealed class Handler(Db db, RequestContext context) : ICommandHandler<Command, CapabilityDto>
    {
        public async ValueTask<CapabilityDto> Handle(Command command, CancellationToken ct)
        {
            var b = command.Body.Value;
            var companyId = Guid.Parse(command.CompanyId);
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            var current = await connection.QuerySingleOrDefaultAsync<CapabilityDto>(new CommandDefinition(
                    CapabilitySql.Select + db.Dialect.LockHint + " WHERE id = @id AND company_id = @companyId" + db.Dialect.ForUpdate,
                    new { id = Guid.Parse(command.CapabilityId), companyId }, tx, cancellationToken: ct))
                ?? throw ApiException.NotFound("capability"); // deleted since the authorizer looked
            var siteId = await CapabilitySql.CheckSiteAsync(connection, tx, companyId, b.SiteId!, ct);
            var next = b.ToCapability(current.Id, companyId, siteId, current.CreatedAt, context.Now);
            // A PUT that changes nothing is no supply change (as for PATCH /companies): nothing is written.
            if (next with { UpdatedAt = current.UpdatedAt } == current) return current;
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE capabilities SET site_id = @SiteId, category_code = @CategoryCode, description = @Description,
                    capacity_per_month = @CapacityPerMonth, unit = @Unit, local_share = @LocalShare, updated_at = @UpdatedAt
                WHERE id = @Id
                """, next, tx, cancellationToken: ct));
            await ChangeFeed.RecordAsync(connection, tx, db.Dialect, ChangeKinds.Capability, next.Id, next.UpdatedAt, ct);
            await tx.CommitAsync(ct);
            return next;
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPut("{capId}", async (string id, string capId, HttpContext http, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Command(id, capId, JsonBody<CreateCapability.Body>.From(http)), ct)))
            .AcceptsJson<CreateCapability.Body>("application/json")
            .Produces<CapabilityDto>()
            .WithSummary("Replace a capability's writable fields (the company, its partner, admins).");
}
