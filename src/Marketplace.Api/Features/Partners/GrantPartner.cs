using System.Data.Common;
using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.Partners;

/// A supplier lets a partner app act for it. Repeating a grant is a no-op (204 again).
public static class GrantPartner
{
    public sealed record Body
    {
        public string? PartnerId { get; init; }
    }

    public sealed record Command(string CompanyId, JsonBody<Body> Body) : ICommand<Unit>, IHasBody, IWrite
    {
        IJsonBody IHasBody.Body => Body;
    }

    public sealed class Validator : AbstractValidator<Body>
    {
        public Validator() => RuleFor(x => x.PartnerId).Must(Domain.Id.IsValid).WithMessage("'partnerId' must be a partner id.");
    }

    public sealed class Authorizer(Db db) : IAuthorizer<Command>
    {
        public ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct) =>
            PartnerSql.AuthorizeGrantsAsync(db, message.CompanyId, caller, ct);
    }

    public sealed class Handler(Db db, RequestContext context) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken ct)
        {
            var companyId = Guid.Parse(command.CompanyId);
            var partnerId = Guid.Parse(command.Body.Value.PartnerId!);
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            if (await PartnerSql.FindLiveAsync(connection, tx, partnerId, ct) is null)
                throw new ValidationException([new FluentValidation.Results.ValidationFailure("partnerId", "No such partner app.")]);
            var exists = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT COUNT(*) FROM partner_grants WHERE company_id = @companyId AND partner_id = @partnerId",
                new { companyId, partnerId }, tx, cancellationToken: ct));
            if (exists == 0)
            {
                try
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "INSERT INTO partner_grants (company_id, partner_id, created_at) VALUES (@companyId, @partnerId, @now)",
                        new { companyId, partnerId, now = context.Now }, tx, cancellationToken: ct));
                }
                catch (DbException e) when (db.Dialect.IsUniqueViolation(e))
                {
                    return Unit.Value; // a concurrent identical grant won: same outcome
                }
            }
            await tx.CommitAsync(ct);
            return Unit.Value;
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("", async (string id, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new Command(id, JsonBody<Body>.From(http)), ct);
                return Results.NoContent();
            })
            .AcceptsJson<Body>()
            .Produces(StatusCodes.Status204NoContent)
            .WithSummary("Let a partner app act for this supplier (the supplier or an admin).");
}
