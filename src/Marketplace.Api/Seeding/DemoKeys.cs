using System.Data.Common;
using Dapper;
using Marketplace.Domain.Companies;
using Marketplace.Infrastructure.Seeding;
using Marketplace.Infrastructure.Security;

namespace Marketplace.Api.Seeding;

/// API keys for a walk-through of the demo: an anchor and two SMEs of the Kaluga automotive
/// cluster, a wholesaler, and a partner app that both SMEs have granted. Like every key, only
/// their SHA-256 is stored; the keys themselves go to the git-ignored keys file.
public static class DemoKeys
{
    public const string AnchorKey = "MARKETPLACE_ANCHOR_KEY";
    public const string AnchorId = "MARKETPLACE_ANCHOR_ID";
    public const string SmeKey = "MARKETPLACE_SME_KEY";
    public const string SmeId = "MARKETPLACE_SME_ID";
    public const string Sme2Key = "MARKETPLACE_SME2_KEY";
    public const string Sme2Id = "MARKETPLACE_SME2_ID";
    public const string WholesalerKey = "MARKETPLACE_WHOLESALER_KEY";
    public const string WholesalerId = "MARKETPLACE_WHOLESALER_ID";
    public const string PartnerKey = "MARKETPLACE_PARTNER_KEY";
    public const string PartnerId = "MARKETPLACE_PARTNER_ID";
    public const string KalugaAutoClusterId = "MARKETPLACE_KALUGA_AUTO_CLUSTER_ID";

    public const string PartnerName = "СнабПортал (демо-приложение партнёра)";

    /// Answers the keys file entries, in the order they are written.
    public static async Task<List<KeyValuePair<string, string>>> CreateAsync(DbConnection connection, DbTransaction tx,
        DemoSupply supply, Guid kalugaAutoClusterId, DateTimeOffset now, CancellationToken ct)
    {
        var anchor = supply.Anchors.First(a => a.ClusterKey == DemoClusters.KalugaAutomotive);
        // SMEs that are members of the cluster (their first site is in it).
        var smes = supply.Suppliers
            .Where(s => s.ClusterKey == DemoClusters.KalugaAutomotive && CompanySizes.IsSme(s.Size) && s.Sites[0].ClusterId == kalugaAutoClusterId)
            .Take(2).ToList();
        if (smes.Count < 2) throw new InvalidOperationException("The demo supply has fewer than two SMEs in the Kaluga automotive cluster.");
        var wholesaler = supply.Wholesalers[0];

        var partnerId = Domain.Id.New();
        await Execute("INSERT INTO partners (id, name, created_at) VALUES (@partnerId, @PartnerName, @now)", new { partnerId, PartnerName, now });
        var partnerKey = ApiKeySecrets.Generate();
        await Execute("INSERT INTO api_keys (id, key_hash, partner_id, created_at) VALUES (@Id, @Hash, @partnerId, @now)",
            new { Id = Domain.Id.New(), Hash = ApiKeySecrets.Hash(partnerKey), partnerId, now });
        foreach (var sme in smes)
            await Execute("INSERT INTO partner_grants (company_id, partner_id, created_at) VALUES (@Id, @partnerId, @now)", new { sme.Id, partnerId, now });

        return
        [
            new(AnchorKey, await CompanyKeyAsync(anchor.Id)), new(AnchorId, anchor.Id.ToString("D")),
            new(SmeKey, await CompanyKeyAsync(smes[0].Id)), new(SmeId, smes[0].Id.ToString("D")),
            new(Sme2Key, await CompanyKeyAsync(smes[1].Id)), new(Sme2Id, smes[1].Id.ToString("D")),
            new(WholesalerKey, await CompanyKeyAsync(wholesaler.Id)), new(WholesalerId, wholesaler.Id.ToString("D")),
            new(PartnerKey, partnerKey), new(PartnerId, partnerId.ToString("D")),
            new(KalugaAutoClusterId, kalugaAutoClusterId.ToString("D")),
        ];

        async Task<string> CompanyKeyAsync(Guid companyId)
        {
            var key = ApiKeySecrets.Generate();
            await Execute("INSERT INTO api_keys (id, key_hash, company_id, created_at) VALUES (@Id, @Hash, @companyId, @now)",
                new { Id = Domain.Id.New(), Hash = ApiKeySecrets.Hash(key), companyId, now });
            return key;
        }

        Task Execute(string sql, object args) => connection.ExecuteAsync(new CommandDefinition(sql, args, tx, cancellationToken: ct));
    }
}
