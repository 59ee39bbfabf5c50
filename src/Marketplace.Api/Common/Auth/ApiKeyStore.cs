using System.Collections.Concurrent;
using Dapper;
using Marketplace.Domain.Companies;
using Marketplace.Infrastructure.Database;

namespace Marketplace.Api.Common.Auth;

/// Resolves a key hash to its owner. Lookups are cached for at most one second (api.md allows
/// it), so revocation and deactivation take effect within that second.
public sealed class ApiKeyStore(Db db, TimeProvider time)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, (long Expires, Caller? Caller)> _cache = new(StringComparer.Ordinal);

    public async ValueTask<Caller?> FindAsync(byte[] hash, CancellationToken ct)
    {
        var cacheKey = Convert.ToHexString(hash);
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(cacheKey, out var hit) && hit.Expires > now) return hit.Caller;

        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition("""
            SELECT k.id AS Id, k.company_id AS CompanyId, k.partner_id AS PartnerId, c.roles AS Roles, c.active AS Active
            FROM api_keys k
            LEFT JOIN companies c ON c.id = k.company_id
            LEFT JOIN partners p ON p.id = k.partner_id
            WHERE k.key_hash = @hash AND k.revoked_at IS NULL AND (k.partner_id IS NULL OR p.deleted_at IS NULL)
            """, new { hash }, cancellationToken: ct));
        var caller = row switch
        {
            null => null,
            { PartnerId: { } partnerId } => new Caller(CallerKind.Partner, row.Id.ToString(), null, CompanyRole.None, true, partnerId),
            _ => new Caller(CallerKind.Company, row.Id.ToString(), row.CompanyId, (CompanyRole)(row.Roles ?? 0), row.Active ?? false, null),
        };

        if (_cache.Count > 10_000) Sweep(now);
        _cache[cacheKey] = (now + (long)(Ttl.TotalSeconds * time.TimestampFrequency), caller);
        return caller;
    }

    /// Drops cached entries at once (a revocation in this process need not wait for the TTL).
    public void Invalidate() => _cache.Clear();

    private void Sweep(long now)
    {
        foreach (var (key, value) in _cache)
            if (value.Expires <= now) _cache.TryRemove(key, out _);
    }

    private sealed class KeyRow
    {
        public Guid Id { get; init; }
        public Guid? CompanyId { get; init; }
        public Guid? PartnerId { get; init; }
        public int? Roles { get; init; }
        public bool? Active { get; init; }
    }
}
