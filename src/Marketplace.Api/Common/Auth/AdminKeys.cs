using System.Security.Cryptography;
using Marketplace.Infrastructure.Security;

namespace Marketplace.Api.Common.Auth;

/// The admin keys of `Marketplace:AdminApiKey` (comma-separated), held as hashes only.
public sealed class AdminKeys
{
    private readonly List<byte[]> _hashes = [];

    public void Add(string key) => _hashes.Add(ApiKeySecrets.Hash(key.Trim()));

    public int Count => _hashes.Count;

    public bool Matches(byte[] hash) =>
        _hashes.Any(h => CryptographicOperations.FixedTimeEquals(h, hash));
}
