using Dapper;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Features.Health;

/// Liveness and readiness, at the root and without a key (api.md).
public static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => Results.Ok(new { status = "ok" }))
            .WithTags("Health").WithSummary("Liveness: the process answers.");

        app.MapGet("/health/ready", async (Db db, Migrator migrator, ILogger<Db> logger, CancellationToken ct) =>
            {
                try
                {
                    await using var connection = await db.OpenAsync(ct);
                    await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: ct));
                    var pending = migrator.PendingScripts();
                    return pending.Count == 0
                        ? Results.Ok(new { status = "ready" })
                        : Results.Json(new { status = "migrations pending", pending }, statusCode: 503);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Readiness check failed");
                    return Results.Json(new { status = "database unreachable" }, statusCode: 503);
                }
            })
            .WithTags("Health").WithSummary("Readiness: the database answers and every migration is applied.");
    }
}
