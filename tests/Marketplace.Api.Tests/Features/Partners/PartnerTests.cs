using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Features.Partners;

/// api.md, Auth and roles: partner apps, grants and X-On-Behalf-Of (checked in step 1).
public abstract class PartnerTests(ApiFactory api)
{
    private const string OnBehalfOf = "X-On-Behalf-Of";

    [Fact]
    public async Task Admin_registers_a_partner_and_no_read_ever_shows_its_key()
    {
        var response = await api.Admin().PostJsonAsync("/api/v1/partners", new { name = "SME Bids" });
        var created = await response.ExpectAsync(HttpStatusCode.Created);

        var id = (string)created["id"]!;
        var key = (string)created["key"]!;
        Assert.Equal(["id", "key", "name"], created.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("SME Bids", (string?)created["name"]);
        Assert.True(Marketplace.Domain.Id.IsValid(id), id);
        Assert.Equal(id.ToLowerInvariant(), id);
        Assert.False(string.IsNullOrWhiteSpace(key));
        Assert.Equal($"/api/v1/partners/{id}", response.Headers.Location?.OriginalString);

        var company = await api.CreateCompanyAsync();
        var partner = new TestPartner(id, key, "SME Bids");
        await api.GrantAsync(company, partner);
        var readers = new[] { api.Admin(), api.As(company.Key), api.As(key), api.AsPartner(partner, company.Id) };
        foreach (var reader in readers)
        {
            var one = await (await reader.GetAsync($"/api/v1/partners/{id}")).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(["id", "name"], one.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
            Assert.Equal(id, (string?)one["id"]);
            Assert.Equal("SME Bids", (string?)one["name"]);

            var all = await ListAllAsync(reader, "/api/v1/partners");
            Assert.All(all, p => Assert.Equal(["id", "name"], p.AsObject().Select(x => x.Key).Order(StringComparer.Ordinal)));
            Assert.Single(all, p => (string?)p["id"] == id);
        }
        Assert.DoesNotContain(key, await (await api.Admin().GetAsync("/api/v1/partners?limit=200")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Company_key_cannot_register_a_partner()
    {
        var company = await api.CreateCompanyAsync();
        var name = $"Rogue {Guid.NewGuid():N}";
        await (await api.As(company.Key).PostJsonAsync("/api/v1/partners", new { name }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.admin_only");
        Assert.DoesNotContain(await ListAllAsync(api.Admin(), "/api/v1/partners"), p => (string?)p["name"] == name);
    }

    [Fact]
    public async Task Deleted_partner_is_gone_and_its_key_stops_working()
    {
        var partner = await api.CreatePartnerAsync();
        var supplier = await api.CreateCompanyAsync();
        await api.GrantAsync(supplier, partner);
        // Used once, so that the key is in the lookup cache when the partner is deleted.
        await (await api.As(partner.Key).GetAsync("/api/v1/partners")).ExpectAsync(HttpStatusCode.OK);

        await (await api.As(supplier.Key).DeleteAsync($"/api/v1/partners/{partner.Id}"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.admin_only");
        await (await api.Admin().DeleteAsync($"/api/v1/partners/{partner.Id}")).ExpectAsync(HttpStatusCode.NoContent);

        // api.md lets key lookups be cached for up to 1 s.
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            status = (await api.As(partner.Key).GetAsync("/api/v1/partners")).StatusCode;
            if (status == HttpStatusCode.Unauthorized) break;
            await Task.Delay(100);
        } while (clock.Elapsed < TimeSpan.FromSeconds(3));
        await (await api.As(partner.Key).GetAsync("/api/v1/partners")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");
        await (await api.AsPartner(partner, supplier.Id).GetAsync($"/api/v1/companies/{supplier.Id}"))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");

        await (await api.Admin().GetAsync($"/api/v1/partners/{partner.Id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.DoesNotContain(await ListAllAsync(api.Admin(), "/api/v1/partners"), p => (string?)p["id"] == partner.Id);
        var grants = await (await api.As(supplier.Key).GetAsync($"/api/v1/companies/{supplier.Id}/partners")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(grants["items"]!.AsArray());
        await (await api.Admin().DeleteAsync($"/api/v1/partners/{partner.Id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Supplier_grants_a_partner_and_granting_again_is_also_204()
    {
        var supplier = await api.CreateCompanyAsync(roles: ["supplier"]);
        var partner = await api.CreatePartnerAsync();
        var client = api.As(supplier.Key);

        await (await client.PostJsonAsync($"/api/v1/companies/{supplier.Id}/partners", new { partnerId = partner.Id }))
            .ExpectAsync(HttpStatusCode.NoContent);
        await (await client.PostJsonAsync($"/api/v1/companies/{supplier.Id}/partners", new { partnerId = partner.Id }))
            .ExpectAsync(HttpStatusCode.NoContent);

        var grants = await (await client.GetAsync($"/api/v1/companies/{supplier.Id}/partners")).ExpectAsync(HttpStatusCode.OK);
        var only = Assert.Single(grants["items"]!.AsArray());
        Assert.Equal(partner.Id, (string?)only!["id"]);
        await (await api.AsPartner(partner, supplier.Id).GetAsync($"/api/v1/companies/{supplier.Id}")).ExpectAsync(HttpStatusCode.OK);

        // An admin may grant and revoke for the supplier too.
        var second = await api.CreatePartnerAsync();
        await (await api.Admin().PostJsonAsync($"/api/v1/companies/{supplier.Id}/partners", new { partnerId = second.Id }))
            .ExpectAsync(HttpStatusCode.NoContent);
        await (await api.AsPartner(second, supplier.Id).GetAsync($"/api/v1/companies/{supplier.Id}")).ExpectAsync(HttpStatusCode.OK);
        await (await api.Admin().DeleteAsync($"/api/v1/companies/{supplier.Id}/partners/{second.Id}")).ExpectAsync(HttpStatusCode.NoContent);
        grants = await (await client.GetAsync($"/api/v1/companies/{supplier.Id}/partners")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([partner.Id], grants["items"]!.AsArray().Select(p => (string)p!["id"]!));
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("deleted")]
    [InlineData("malformed")]
    [InlineData("missing")]
    public async Task Granting_anything_but_a_live_partner_is_400_naming_partnerId(string which)
    {
        var supplier = await api.CreateCompanyAsync();
        object body = which switch
        {
            "unknown" => new { partnerId = Guid.CreateVersion7().ToString() },
            "deleted" => new { partnerId = await DeletedPartnerIdAsync() },
            "malformed" => new { partnerId = "not-a-partner" },
            _ => new { },
        };
        await (await api.As(supplier.Key).PostJsonAsync($"/api/v1/companies/{supplier.Id}/partners", body))
            .ExpectFieldErrorAsync("partnerId");
        Assert.Equal(0L, await api.CountAsync("SELECT COUNT(*) FROM partner_grants WHERE company_id = @id", new { id = Guid.Parse(supplier.Id) }));
    }

    [Fact]
    public async Task Company_without_the_supplier_role_cannot_grant()
    {
        var anchor = await api.CreateCompanyAsync(roles: ["anchor", "wholesaler"]);
        var partner = await api.CreatePartnerAsync();
        await (await api.As(anchor.Key).PostJsonAsync($"/api/v1/companies/{anchor.Id}/partners", new { partnerId = partner.Id }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
        await (await api.Admin().PostJsonAsync($"/api/v1/companies/{anchor.Id}/partners", new { partnerId = partner.Id }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.role_required");
        Assert.Equal(0L, await api.CountAsync("SELECT COUNT(*) FROM partner_grants WHERE company_id = @id", new { id = Guid.Parse(anchor.Id) }));
    }

    [Fact]
    public async Task Another_company_cannot_grant_or_revoke_for_a_supplier()
    {
        var supplier = await api.CreateCompanyAsync();
        var other = await api.CreateCompanyAsync();
        var granted = await api.CreatePartnerAsync();
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(supplier, granted);

        await (await api.As(other.Key).PostJsonAsync($"/api/v1/companies/{supplier.Id}/partners", new { partnerId = partner.Id }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await api.As(other.Key).DeleteAsync($"/api/v1/companies/{supplier.Id}/partners/{granted.Id}"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");

        var grants = await (await api.As(supplier.Key).GetAsync($"/api/v1/companies/{supplier.Id}/partners")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([granted.Id], grants["items"]!.AsArray().Select(p => (string)p!["id"]!));
    }

    [Fact]
    public async Task Partner_cannot_grant_or_revoke_even_for_its_supplier()
    {
        var supplier = await api.CreateCompanyAsync();
        var partner = await api.CreatePartnerAsync();
        var another = await api.CreatePartnerAsync();
        await api.GrantAsync(supplier, partner);
        var acting = api.AsPartner(partner, supplier.Id);

        await (await acting.PostJsonAsync($"/api/v1/companies/{supplier.Id}/partners", new { partnerId = another.Id }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.forbidden");
        await (await acting.DeleteAsync($"/api/v1/companies/{supplier.Id}/partners/{partner.Id}"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.forbidden");
        await (await acting.GetAsync($"/api/v1/companies/{supplier.Id}/partners"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.forbidden");

        var grants = await (await api.As(supplier.Key).GetAsync($"/api/v1/companies/{supplier.Id}/partners")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([partner.Id], grants["items"]!.AsArray().Select(p => (string)p!["id"]!));
    }

    [Fact]
    public async Task Granted_partner_patches_name_and_certifications_but_not_size_nor_keys()
    {
        var supplier = await api.CreateCompanyAsync(size: "small");
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(supplier, partner);
        var acting = api.AsPartner(partner, supplier.Id);

        var patched = await (await acting.PatchJsonAsync($"/api/v1/companies/{supplier.Id}",
            new { name = "Renamed by partner", certifications = new[] { "ISO9001", "IATF16949" } })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Renamed by partner", (string?)patched["name"]);

        await (await acting.PatchJsonAsync($"/api/v1/companies/{supplier.Id}", new { size = "large" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.field_forbidden");
        await (await acting.PatchJsonAsync($"/api/v1/companies/{supplier.Id}", new { name = "Sneaky", size = "large" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.field_forbidden");

        var read = await (await api.Admin().GetAsync($"/api/v1/companies/{supplier.Id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Renamed by partner", (string?)read["name"]);
        Assert.Equal(["IATF16949", "ISO9001"], read["certifications"]!.AsArray().Select(c => (string)c!));
        Assert.Equal("small", (string?)read["size"]);

        var keysBefore = await LiveKeyCountAsync(supplier.Id);
        var issue = await acting.PostJsonAsync($"/api/v1/companies/{supplier.Id}/api-keys", new { });
        await issue.ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("application/problem+json", issue.Content.Headers.ContentType?.MediaType);
        await (await acting.GetAsync($"/api/v1/companies/{supplier.Id}/api-keys")).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal(keysBefore, await LiveKeyCountAsync(supplier.Id));
    }

    [Fact]
    public async Task Partner_without_a_grant_is_403_not_granted()
    {
        var supplier = await api.CreateCompanyAsync();
        var partner = await api.CreatePartnerAsync();
        var acting = api.AsPartner(partner, supplier.Id);

        await (await acting.GetAsync($"/api/v1/companies/{supplier.Id}")).ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.not_granted");
        await (await acting.PatchJsonAsync($"/api/v1/companies/{supplier.Id}", new { name = "Hijacked" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.not_granted");

        // Another supplier's grant does not count for this one.
        var granting = await api.CreateCompanyAsync();
        await api.GrantAsync(granting, partner);
        await (await acting.PatchJsonAsync($"/api/v1/companies/{supplier.Id}", new { name = "Hijacked" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.not_granted");

        var read = await (await api.Admin().GetAsync($"/api/v1/companies/{supplier.Id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual("Hijacked", (string?)read["name"]);
    }

    [Fact]
    public async Task Naming_a_missing_or_non_supplier_company_is_403_not_granted()
    {
        var partner = await api.CreatePartnerAsync();
        var missing = Guid.CreateVersion7().ToString();
        await (await api.AsPartner(partner, missing).GetAsync("/api/v1/companies"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.not_granted");

        var anchor = await api.CreateCompanyAsync(roles: ["anchor"]);
        await (await api.AsPartner(partner, anchor.Id).GetAsync($"/api/v1/companies/{anchor.Id}"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.not_granted");

        // A grant made while the company was a supplier stops counting once it is not one any more.
        var former = await api.CreateCompanyAsync(roles: ["supplier", "anchor"]);
        await api.GrantAsync(former, partner);
        await (await api.AsPartner(partner, former.Id).GetAsync($"/api/v1/companies/{former.Id}")).ExpectAsync(HttpStatusCode.OK);
        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{former.Id}", new { roles = new[] { "anchor" } }))
            .ExpectAsync(HttpStatusCode.OK);
        await (await api.AsPartner(partner, former.Id).GetAsync($"/api/v1/companies/{former.Id}"))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.not_granted");
        await (await api.AsPartner(partner, former.Id).PatchJsonAsync($"/api/v1/companies/{former.Id}", new { name = "Still mine" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.not_granted");
    }

    [Fact]
    public async Task Revocation_takes_effect_on_the_very_next_request()
    {
        var supplier = await api.CreateCompanyAsync();
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(supplier, partner);
        var acting = api.AsPartner(partner, supplier.Id);
        await (await acting.PatchJsonAsync($"/api/v1/companies/{supplier.Id}", new { name = "Before revocation" }))
            .ExpectAsync(HttpStatusCode.OK);

        await (await api.As(supplier.Key).DeleteAsync($"/api/v1/companies/{supplier.Id}/partners/{partner.Id}"))
            .ExpectAsync(HttpStatusCode.NoContent);

        await (await acting.PatchJsonAsync($"/api/v1/companies/{supplier.Id}", new { name = "After revocation" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.not_granted");
        await (await acting.GetAsync($"/api/v1/companies/{supplier.Id}")).ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.not_granted");
        var read = await (await api.Admin().GetAsync($"/api/v1/companies/{supplier.Id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Before revocation", (string?)read["name"]);

        await (await api.As(supplier.Key).DeleteAsync($"/api/v1/companies/{supplier.Id}/partners/{partner.Id}"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        // The partner itself is untouched: it can still read without the header.
        await (await api.As(partner.Key).GetAsync($"/api/v1/partners/{partner.Id}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Partner_key_without_the_header_may_only_read_partners_clusters_and_companies()
    {
        var partner = await api.CreatePartnerAsync();
        var supplier = await api.CreateCompanyAsync();
        await api.GrantAsync(supplier, partner);
        var clusterId = await api.CreateClusterAsync();
        var client = api.As(partner.Key);

        foreach (var path in new[]
                 {
                     "/api/v1/partners", $"/api/v1/partners/{partner.Id}", "/api/v1/clusters", $"/api/v1/clusters/{clusterId}",
                     "/api/v1/companies", $"/api/v1/companies/{supplier.Id}",
                 })
            await (await client.GetAsync(path)).ExpectAsync(HttpStatusCode.OK);

        var clusterName = $"Partner cluster {Guid.NewGuid():N}";
        var refused = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Get, "/api/v1/changes", null),
            (HttpMethod.Post, "/api/v1/clusters", new { name = clusterName, regionCode = "RU-KLU", center = new { lat = 54.5, lon = 36.2 } }),
            (HttpMethod.Get, $"/api/v1/companies/{supplier.Id}/api-keys", null),
            (HttpMethod.Get, $"/api/v1/companies/{supplier.Id}/partners", null),
            (HttpMethod.Patch, $"/api/v1/companies/{supplier.Id}", new { name = "No header" }),
            (HttpMethod.Post, "/api/v1/partners", new { name = "Self-registered" }),
            (HttpMethod.Delete, $"/api/v1/partners/{partner.Id}", null),
        };
        foreach (var (method, path, body) in refused)
        {
            var response = body is null
                ? await client.SendAsync(new HttpRequestMessage(method, path))
                : await client.SendJsonAsync(method, path, body);
            await response.ExpectProblemAsync(HttpStatusCode.Forbidden, "partner.on_behalf_required");
        }

        Assert.DoesNotContain(await ListAllAsync(api.Admin(), "/api/v1/clusters"), c => (string?)c["name"] == clusterName);
        var read = await (await api.Admin().GetAsync($"/api/v1/companies/{supplier.Id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual("No header", (string?)read["name"]);
        await (await api.Admin().GetAsync($"/api/v1/partners/{partner.Id}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task OnBehalfOf_is_400_on_company_and_admin_keys_and_when_malformed()
    {
        var supplier = await api.CreateCompanyAsync();
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(supplier, partner);

        foreach (var key in new[] { supplier.Key, ApiFactory.AdminKey })
        {
            var client = api.As(key);
            client.DefaultRequestHeaders.TryAddWithoutValidation(OnBehalfOf, supplier.Id);
            await (await client.GetAsync("/api/v1/companies")).ExpectFieldErrorAsync(OnBehalfOf);
            await (await client.PatchJsonAsync($"/api/v1/companies/{supplier.Id}", new { name = "Via header" })).ExpectFieldErrorAsync(OnBehalfOf);
        }

        foreach (var value in new[] { "not-an-id", supplier.Id + "0", supplier.Id.Replace('-', '_'), "12345" })
            await (await api.AsPartner(partner, value).GetAsync("/api/v1/companies")).ExpectFieldErrorAsync(OnBehalfOf);

        // Step 1 puts 401 first.
        var unknown = api.As("mp_unknown_key_0000000000000000000000000000000000000");
        unknown.DefaultRequestHeaders.TryAddWithoutValidation(OnBehalfOf, "not-an-id");
        await (await unknown.GetAsync("/api/v1/companies")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.unauthenticated");

        var read = await (await api.Admin().GetAsync($"/api/v1/companies/{supplier.Id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual("Via header", (string?)read["name"]);
    }

    [Fact]
    public async Task Partner_of_an_inactive_supplier_may_read_but_not_write()
    {
        var supplier = await api.CreateCompanyAsync();
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(supplier, partner);
        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{supplier.Id}", new { active = false })).ExpectAsync(HttpStatusCode.OK);
        var acting = api.AsPartner(partner, supplier.Id);

        var read = await (await acting.GetAsync($"/api/v1/companies/{supplier.Id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.False((bool)read["active"]!);
        await (await acting.GetAsync("/api/v1/companies")).ExpectAsync(HttpStatusCode.OK);
        await (await acting.PatchJsonAsync($"/api/v1/companies/{supplier.Id}", new { name = "Written while inactive" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "company.inactive");

        var after = await (await api.Admin().GetAsync($"/api/v1/companies/{supplier.Id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual("Written while inactive", (string?)after["name"]);

        // Reactivated, the partner may write again (grants are read on every request).
        await (await api.Admin().PatchJsonAsync($"/api/v1/companies/{supplier.Id}", new { active = true })).ExpectAsync(HttpStatusCode.OK);
        await (await acting.PatchJsonAsync($"/api/v1/companies/{supplier.Id}", new { name = "Written while active" }))
            .ExpectAsync(HttpStatusCode.OK);
    }

    private async Task<string> DeletedPartnerIdAsync()
    {
        var partner = await api.CreatePartnerAsync();
        await (await api.Admin().DeleteAsync($"/api/v1/partners/{partner.Id}")).ExpectAsync(HttpStatusCode.NoContent);
        return partner.Id;
    }

    private async Task<int> LiveKeyCountAsync(string companyId) =>
        (await ListAllAsync(api.Admin(), $"/api/v1/companies/{companyId}/api-keys")).Count;

    private static async Task<List<JsonNode>> ListAllAsync(HttpClient client, string path)
    {
        var items = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = await (await client.GetAsync(path + "?limit=200" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))))
                .ExpectAsync(HttpStatusCode.OK);
            items.AddRange(page["items"]!.AsArray().Select(i => i!));
            cursor = (string?)page["nextCursor"];
        } while (cursor is not null);
        return items;
    }
}

public sealed class PartnerTestsOnSqlite(SqliteApi api) : PartnerTests(api), IClassFixture<SqliteApi>;
public sealed class PartnerTestsOnPostgres(PostgresApi api) : PartnerTests(api), IClassFixture<PostgresApi>;
