using System.Data.Common;
using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Api.Features.Needs;
using Marketplace.Domain;
using Marketplace.Domain.Companies;
using Marketplace.Domain.Needs;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Bids;

public static class SubmitBid
{
    public sealed record Body
    {
        public decimal? UnitPrice { get; init; }
        public string? Currency { get; init; }
        public int? LeadTimeDays { get; init; }
        public double? LocalShare { get; init; }
        public string? CapabilityId { get; init; }
        public string? Comment { get; init; }
    }

    public sealed record Command(string NeedId, JsonBody<Body> Body) : ICommand<BidDto>, IHasBody, IWrite
    {
        IJsonBody IHasBody.Body => Body;
    }

    public sealed class Validator : AbstractValidator<Body>
    {
        public Validator()
        {
            RuleFor(x => x.UnitPrice).NotNull().GreaterThan(0);
            RuleFor(x => x.LeadTimeDays).NotNull().GreaterThanOrEqualTo(0);
            RuleFor(x => x.LocalShare).NotNull().InclusiveBetween(0, 1);
            RuleFor(x => x.CapabilityId).Must(c => c is null || Id.IsValid(c)).WithMessage("'capabilityId' must be one of your capabilities.");
            RuleFor(x => x.Comment).MaximumLength(Limits.TextMaxLength);
        }
    }

    /// A supplier company (or its partner) that can see the need and does not own it.
    public sealed class Authorizer(Db db) : IAuthorizer<Command>
    {
        public async ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct)
        {
            await using var connection = await db.OpenAsync(ct);
            var need = await NeedSql.VisibleAsync(connection, null, db.Dialect, caller, message.NeedId, ct);
            if (caller.IsAdmin || !caller.Has(CompanyRole.Supplier))
                throw ApiException.Forbidden(ErrorCodes.RoleRequired, "Bids come from supplier companies.");
            if (caller.CompanyId == need.OwnerId)
                throw ApiException.Forbidden(ErrorCodes.Forbidden, "The owner of a need cannot bid on it.");
        }
    }

    public sealed class Handler(Db db, RequestContext context) : ICommandHandler<Command, BidDto>
    {
        public async ValueTask<BidDto> Handle(Command command, CancellationToken ct)
        {
            var b = command.Body.Value;
            var now = context.Now;
            var supplier = context.Caller.CompanyId!.Value;
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            var need = await NeedSql.VisibleAsync(connection, tx, db.Dialect, context.Caller, command.NeedId, ct);
            if (b.Currency is not null && b.Currency != need.Currency)
                throw ValidationErrors.Field("currency", $"'currency' must be the need's currency, {need.Currency}.");
            if (b.LocalShare < need.MinLocalShare)
                throw ValidationErrors.Field("localShare", $"'localShare' must be at least the need's minLocalShare, {need.MinLocalShare}.");
            Guid? capabilityId = b.CapabilityId is null ? null : Guid.Parse(b.CapabilityId);
            if (capabilityId is not null && await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                    "SELECT COUNT(*) FROM capabilities WHERE id = @capabilityId AND company_id = @supplier",
                    new { capabilityId, supplier }, tx, cancellationToken: ct)) == 0)
                throw ValidationErrors.Field("capabilityId", "'capabilityId' must be one of your capabilities.");
            need.Tender().EnsureOpenForBids(now);
            var bid = new BidDto(Id.New(), need.Id, supplier, b.UnitPrice!.Value, need.Currency, b.LeadTimeDays!.Value,
                b.LocalShare!.Value, capabilityId, b.Comment, "submitted", now);
            try
            {
                await connection.ExecuteAsync(new CommandDefinition("""
                    INSERT INTO bids (id, need_id, supplier_id, unit_price, currency, lead_time_days, local_share, capability_id,
                                      comment, status, submitted_at, updated_at)
                    VALUES (@Id, @NeedId, @SupplierId, @UnitPrice, @Currency, @LeadTimeDays, @LocalShare, @CapabilityId,
                            @Comment, 'submitted', @SubmittedAt, @SubmittedAt)
                    """, bid, tx, cancellationToken: ct));
            }
            catch (DbException e) when (db.Dialect.IsUniqueViolation(e))
            {
                throw new DomainException(NeedErrors.BidExists, "You already have a live bid on this need; withdraw it first.");
            }
            await NeedSql.RecordEventAsync(connection, tx, need.Id, now, supplier.ToString(), "bid", bid.Id, null, "submitted", ct);
            await tx.CommitAsync(ct);
            return bid;
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("", async (string id, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var bid = await mediator.Send(new Command(id, JsonBody<Body>.From(http)), ct);
                return Results.Created($"/api/v1/needs/{bid.NeedId}/bids/{bid.Id}", bid);
            })
            .AcceptsJson<Body>()
            .Produces<BidDto>(StatusCodes.Status201Created)
            .WithSummary("Bid on an open need (a supplier, or its partner app); one live bid per supplier.");
}
