using Dapper;
using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Http;
using Marketplace.Api.Common.Idempotency;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Marketplace.Infrastructure.Security;
using Mediator;

namespace Marketplace.Api.Features.ApiKeys;

public static class CreateApiKey
{
    /// The key has no settable fields: the body is empty or `{}`.
    public sealed record Body;

    public sealed record Command(string CompanyId, JsonBody<Body> Body) : ICommand<IssuedApiKeyDto>, IHasBody, IWrite, IIssuesSecret
    {
        IJsonBody IHasBody.Body => Body;
    }

    public sealed class Authorizer(Db db) : IAuthorizer<Command>
    {
        public ValueTask AuthorizeAsync(Command message, Caller caller, CancellationToken ct) =>
            ApiKeySql.AuthorizeAsync(db, message.CompanyId, caller, ct);
    }

    public sealed class Handler(Db db, RequestContext context) : ICommandHandler<Command, IssuedApiKeyDto>
    {
        public async ValueTask<IssuedApiKeyDto> Handle(Command command, CancellationToken ct)
        {
            var key = ApiKeySecrets.Generate();
            var issued = new IssuedApiKeyDto(Domain.Id.New(), Guid.Parse(command.CompanyId), context.Now, key);
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await db.BeginWriteAsync(connection, ct);
            // Only the SHA-256 is stored; the key is shown once, in this answer.
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO api_keys (id, key_hash, company_id, created_at) VALUES (@Id, @Hash, @CompanyId, @CreatedAt)
                """, new { issued.Id, Hash = ApiKeySecrets.Hash(key), issued.CompanyId, issued.CreatedAt }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
            return issued;
        }
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("", async (string id, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var issued = await mediator.Send(new Command(id, JsonBody<Body>.From(http, BodyMode.OptionalJson)), ct);
                return Results.Created($"/api/v1/companies/{issued.CompanyId}/api-keys/{issued.Id}", issued);
            })
            .AcceptsJson<Body>("application/json")
            .Produces<IssuedApiKeyDto>(StatusCodes.Status201Created)
            .WithSummary("Issue an API key for a company (admin). The key is shown only in this answer.");
}
