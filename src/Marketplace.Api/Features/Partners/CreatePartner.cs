using Dapper;
using FluentValidation;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Idempotency;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Domain;
using Marketplace.Infrastructure.Database;
using Marketplace.Infrastructure.Security;
using Mediator;

namespace Marketplace.Api.Features.Partners;

public static class CreatePartner
{
    public sealed record Body
    {
        public string? Name { get; init; }
    }

    public sealed record Command(JsonBody<Body> Body) : ICommand<IssuedPartnerDto>, IHasBody, IWrite, IIssuesSecret
    {
        IJsonBody IHasBody.Body => Body;
    }

    public sealed class Validator : AbstractValidator<Body>
    {
        public Validator() => RuleFor(x => x.Name).Must(n => !string.IsNullOrWhiteSpace(n) && n.Length <= Limits.NameMaxLength)
            .WithMessage("'name' is required: 1 to 300 characters, not blank.");
    }

    public sealed class Authorizer : IAuthorizer<Command>
    {
        public ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct) =>
            caller.IsAdmin ? ValueTask.CompletedTask : throw ApiException.AdminOnly();
    }

    public sealed class Handler(Db db, RequestContext context) : ICommandHandler<Command, IssuedPartnerDto>
    {
        public async ValueTask<IssuedPartnerDto> Handle(Command command, CancellationToken ct)
        {
            var key = ApiKeySecrets.Generate();
            var partner = new IssuedPartnerDto(Domain.Id.New(), command.Body.Value.Name!.Trim(), key);
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO partners (id, name, created_at) VALUES (@Id, @Name, @now);
                INSERT INTO api_keys (id, key_hash, partner_id, created_at) VALUES (@KeyId, @Hash, @Id, @now);
                """, new { partner.Id, partner.Name, now = context.Now, KeyId = Domain.Id.New(), Hash = ApiKeySecrets.Hash(key) },
                tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
            return partner;
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("", async (HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var partner = await mediator.Send(new Command(JsonBody<Body>.From(http)), ct);
                return Results.Created($"/api/v1/partners/{partner.Id}", partner);
            })
            .AcceptsJson<Body>()
            .Produces<IssuedPartnerDto>(StatusCodes.Status201Created)
            .WithSummary("Register a partner app (admin). Its key is shown only in this answer.");
}
