using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Infrastructure.Security;

/// API keys are 256 random bits; only their SHA-256 is stored. A fast hash is right for
/// high-entropy secrets (api.md): nobody can brute-force 2^256 candidates, so PBKDF2 or bcrypt
/// would only slow every request down.
public static class ApiKeySecrets
{
    public const string Prefix = "mp_";

    public static string Generate() =>
        Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
