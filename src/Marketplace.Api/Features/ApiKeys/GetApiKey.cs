using Marketplace.Api.Common.Auth;
using Marketplace.Api.Common.Errors;
using Marketplace.Api.Common.Pipeline;
using Marketplace.Infrastructure.Database;
using Mediator;

namespace Marketplace.Api.Features.ApiKeys;

public static class GetApiKey
{
    public sealed record Query(string CompanyId, string KeyId) : IQuery<ApiKeyDto>;

    public sealed class Authorizer(Db db) : IAuthorizer<Query>
    {
        public ValueTask AuthorizeAsync(Query message, Caller caller, CancellationToken ct) =>
            ApiKeySql.AuthorizeAsync(db, message.CompanyId, caller, ct);
    }

    public sealed class Handler(Db db) : IQueryHandler<Query, ApiKeyDto>
    {
        public async ValueTask<ApiKeyDto> Handle(Query query, CancellationToken ct) =>
            await ApiKeySql.FindLiveAsync(db, Guid.Parse(query.CompanyId), query.KeyId, ct) ?? throw ApiException.NotFound("API key");
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("{keyId}", async (string id, string keyId, IMediator mediator, CancellationToken ct) =>
                Results.Ok(await mediator.Send(new Query(id, keyId), ct)))
            .Produces<ApiKeyDto>()
            .WithSummary("One live API key, without the secret (admin).");
}
