using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Domain;
using Marketplace.Domain.Catalog;
using Marketplace.Domain.Reference;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Capabilities;

public static class CreateCapability
{
    /// Also the body of PUT, which replaces every writable field.
    public sealed record Body
    {
        public string? SiteId { get; init; }
        public string? CategoryCode { get; init; }
        public string? Description { get; init; }
        public double? CapacityPerMonth { get; init; }
        public string? Unit { get; init; }
        public double? LocalShare { get; init; }

        /// The capability this (validated) body describes; api.md: units are upper-cased on input.
        public CapabilityDto ToCapability(Guid id, Guid companyId, Guid siteId, DateTimeOffset createdAt, DateTimeOffset updatedAt) =>
            new(id, companyId, siteId, CategoryCode!, Description, CapacityPerMonth!.Value, Unit!.ToUpperInvariant(), LocalShare!.Value,
                createdAt, updatedAt);
    }

    public sealed record Command(string CompanyId, JsonBody<Body> Body) : ICommand<CapabilityDto>, IHasBody, IWrite
    {
        IJsonBody IHasBody.Body => Body;
    }

    public sealed class Validator : AbstractValidator<Body>
    {
        public Validator(ReferenceData reference)
        {
            // Whether the site is the company's is checked in the write transaction (CapabilitySql.CheckSiteAsync).
            RuleFor(x => x.SiteId).Must(Id.IsValid).WithMessage(CapabilitySql.SiteIdMessage);
            RuleFor(x => x.CategoryCode).Must(CategoryCode.IsValid)
                .WithMessage("'categoryCode' must be an OKPD2-style code such as 25.62, 25.62.1, 25.62.10 or 25.62.10.110.");
            RuleFor(x => x.Description).MaximumLength(Limits.TextMaxLength);
            RuleFor(x => x.CapacityPerMonth).NotNull().GreaterThan(0);
            // Units are upper-cased on input (ToCapability), then looked up.
            RuleFor(x => x.Unit).Must(u => u is not null && reference.IsUnit(u.ToUpperInvariant()))
                .WithMessage("'unit' must be a UN/ECE Rec 20 unit code such as PCE, KGM or MTR.");
            RuleFor(x => x.LocalShare).NotNull().InclusiveBetween(0, 1);
        }
    }

    public sealed class Authorizer(Db db) : IAuthorizer<Command>
    {
        public ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct) =>
            CapabilitySql.AuthorizeWriteAsync(db, message.CompanyId, null, caller, ct);
    }

    public sealed class Handler(Db db, RequestContext context) : ICommandHandler<Command, CapabilityDto>
    {
        public async ValueTask<CapabilityDto> Handle(Command command, CancellationToken ct)
        {
            var b = command.Body.Value;
            var companyId = Guid.Parse(command.CompanyId);
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            var siteId = await CapabilitySql.CheckSiteAsync(connection, tx, companyId, b.SiteId!, ct);
            var capability = b.ToCapability(Id.New(), companyId, siteId, context.Now, context.Now);
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO capabilities (id, company_id, site_id, category_code, description, capacity_per_month, unit, local_share,
                                          created_at, updated_at)
                VALUES (@Id, @CompanyId, @SiteId, @CategoryCode, @Description, @CapacityPerMonth, @Unit, @LocalShare, @CreatedAt, @UpdatedAt)
                """, capability, tx, cancellationToken: ct));
            await ChangeFeed.RecordAsync(connection, tx, db.Dialect, ChangeKinds.Capability, capability.Id, capability.UpdatedAt, ct);
            await tx.CommitAsync(ct);
            return capability;
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("", async (string id, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var capability = await mediator.Send(new Command(id, JsonBody<Body>.From(http)), ct);
                return Results.Created($"/api/v1/companies/{capability.CompanyId}/capabilities/{capability.Id}", capability);
            })
            .AcceptsJson<Body>("application/json")
            .Produces<CapabilityDto>(StatusCodes.Status201Created)
            .WithSummary("Add a capability of a supplier (the company, its partner, admins).");
}
