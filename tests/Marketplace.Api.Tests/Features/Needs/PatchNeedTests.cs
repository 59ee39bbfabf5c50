using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Features.Needs.TenderScenario;

namespace Marketplace.Api.Tests.Features.Needs;

/// PATCH /needs/{id}: JSON Merge Patch of a draft, If-Match required (428) and checked (412),
/// after the body's validity (400) and before the state (409).
public abstract class PatchNeedTests(ApiFactory api)
{
    private async Task<(TestAnchor Anchor, JsonNode Draft, string ETag)> DraftAsync(Action<JsonObject>? edit = null)
    {
        var anchor = await api.CreateAnchorAsync();
        var draft = await api.CreateDraftAsync(anchor, edit);
        var (_, etag) = await api.As(anchor.Key).ReadNeedAsync(draft.Id());
        return (anchor, draft, etag);
    }

    private async Task AssertUnchangedAsync(TestAnchor anchor, JsonNode before, string etag)
    {
        var (after, etagAfter) = await api.As(anchor.Key).ReadNeedAsync(before.Id());
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
        Assert.Equal(etag, etagAfter);
    }

    // ---- If-Match ----

    [Fact]
    public async Task Patch_with_the_current_etag_changes_the_fields_and_answers_a_new_etag()
    {
        var (anchor, draft, etag) = await DraftAsync();
        var secondSite = await api.CreateSiteAsync(anchor.Id, anchor.ClusterId);

        var response = await api.As(anchor.Key).PatchNeedAsync(draft.Id(), new
        {
            title = "Milled brackets", categoryCode = "25.62.20", quantityPerMonth = 250.5, unit = "kgm",
            requiredCertifications = new[] { "iso9001" }, deliverySiteId = secondSite, currentLocalShare = 0.1, minLocalShare = 0.4,
            annualValue = 55000.75m, currency = "USD", scope = "radius", radiusKm = 300,
            weights = new { proximity = 0.1, capability = 0.1, localization = 0.8 }, proximityScaleKm = 120,
        }, etag);
        var patched = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Milled brackets", (string?)patched["title"]);
        Assert.Equal("25.62.20", (string?)patched["categoryCode"]);
        Assert.Equal(250.5, (double)patched["quantityPerMonth"]!);
        Assert.Equal("KGM", (string?)patched["unit"]);
        Assert.Equal(["ISO9001"], patched["requiredCertifications"]!.AsArray().Select(c => (string)c!));
        Assert.Equal(secondSite, (string?)patched["deliverySiteId"]);
        Assert.Equal(0.1, (double)patched["currentLocalShare"]!);
        Assert.Equal(0.4, (double)patched["minLocalShare"]!);
        Assert.Equal(55000.75m, (decimal)patched["annualValue"]!);
        Assert.Equal("USD", (string?)patched["currency"]);
        Assert.Equal("radius", (string?)patched["scope"]);
        Assert.Equal(300d, (double)patched["radiusKm"]!);
        Assert.Equal(0.8, (double)patched["weights"]!["localization"]!);
        Assert.Equal(120d, (double)patched["proximityScaleKm"]!);
        foreach (var field in new[] { "id", "ownerId", "status", "bidDeadline", "award", "cancelReason", "createdAt" })
            Assert.Equal(draft[field]?.ToJsonString(), patched[field]?.ToJsonString());

        var newETag = ETagOf(response);
        Assert.NotEqual(etag, newETag);
        var (read, readETag) = await api.As(anchor.Key).ReadNeedAsync(draft.Id());
        Assert.Equal(patched.ToJsonString(), read.ToJsonString());
        Assert.Equal(newETag, readETag);
    }

    [Fact]
    public async Task Patch_without_if_match_is_428_and_changes_nothing()
    {
        var (anchor, draft, etag) = await DraftAsync();
        await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), new { title = "No precondition" }, ifMatch: null))
            .ExpectProblemAsync(HttpStatusCode.PreconditionRequired, "precondition.required");
        await AssertUnchangedAsync(anchor, draft, etag);
    }

    [Fact]
    public async Task Patch_with_a_stale_etag_is_412_and_changes_nothing()
    {
        var (anchor, draft, stale) = await DraftAsync();
        var first = await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), new { title = "First" }, stale)).ExpectAsync(HttpStatusCode.OK);
        var (_, current) = await api.As(anchor.Key).ReadNeedAsync(draft.Id());

        await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), new { title = "Second" }, stale))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "precondition.failed");
        await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), new { title = "Weak" }, "W/" + current))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "precondition.failed");
        await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), new { title = "Made up" }, "\"made-up\""))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "precondition.failed");

        await AssertUnchangedAsync(anchor, first, current);
        Assert.Equal("First", (string?)first["title"]);
    }

    [Fact]
    public async Task Patch_with_if_match_star_or_a_list_holding_the_current_etag_succeeds()
    {
        var (anchor, draft, etag) = await DraftAsync();

        var starred = await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), new { title = "Starred" }, "*")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Starred", (string?)starred["title"]);

        var (_, current) = await api.As(anchor.Key).ReadNeedAsync(draft.Id());
        Assert.NotEqual(etag, current);
        var listed = await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), new { title = "Listed" }, $"{etag}, {current}"))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Listed", (string?)listed["title"]);
    }

    [Fact]
    public async Task Concurrent_patches_with_one_etag_let_exactly_one_win()
    {
        var (anchor, draft, etag) = await DraftAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            api.As(anchor.Key).PatchNeedAsync(draft.Id(), new { title = $"Racer {i}" }, etag)));

        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var response in responses.Where(r => r != winner))
            await response.ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "precondition.failed");
        var (read, _) = await api.As(anchor.Key).ReadNeedAsync(draft.Id());
        Assert.Equal((string?)(await winner.JsonAsync())["title"], (string?)read["title"]);
    }

    // ---- only drafts ----

    [Fact]
    public async Task Patch_of_an_open_need_with_a_valid_if_match_is_409_not_draft()
    {
        var anchor = await api.CreateAnchorAsync();
        var open = await api.CreateOpenNeedAsync(anchor);
        var (before, etag) = await api.As(anchor.Key).ReadNeedAsync(open.Id());

        await (await api.As(anchor.Key).PatchNeedAsync(open.Id(), new { title = "Too late" }, etag))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "need.not_draft");
        await (await api.As(anchor.Key).PatchNeedAsync(open.Id(), new { title = "Too late" }, "*"))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "need.not_draft");
        // 428 (step 7) comes before 409 (step 8).
        await (await api.As(anchor.Key).PatchNeedAsync(open.Id(), new { title = "Too late" }, ifMatch: null))
            .ExpectProblemAsync(HttpStatusCode.PreconditionRequired, "precondition.required");

        await AssertUnchangedAsync(anchor, before, etag);
    }

    [Fact]
    public async Task Patch_of_a_closed_awarded_or_cancelled_need_is_409_not_draft()
    {
        var anchor = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync(anchor.ClusterId);
        var closed = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var awarded = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var bid = await api.BidAsync(supplier, awarded.Id());
        var cancelled = await api.CreateDraftAsync(anchor);
        await (await api.As(anchor.Key).CancelAsync(cancelled.Id())).ExpectAsync(HttpStatusCode.OK);
        api.PassDeadline(closed);
        await (await api.As(anchor.Key).AwardAsync(awarded.Id(), bid.Id())).ExpectAsync(HttpStatusCode.OK);

        foreach (var need in new[] { closed, awarded, cancelled })
        {
            var (before, etag) = await api.As(anchor.Key).ReadNeedAsync(need.Id());
            await (await api.As(anchor.Key).PatchNeedAsync(need.Id(), new { title = "Too late" }, etag))
                .ExpectProblemAsync(HttpStatusCode.Conflict, "need.not_draft");
            await AssertUnchangedAsync(anchor, before, etag);
        }
    }

    [Fact]
    public async Task Etag_read_before_the_deadline_is_stale_once_the_need_closed()
    {
        // The ETag covers the derived status: a need that closed has a new one.
        var anchor = await api.CreateAnchorAsync();
        var open = await api.CreateOpenNeedAsync(anchor, TimeSpan.FromHours(1));
        var (_, openETag) = await api.As(anchor.Key).ReadNeedAsync(open.Id());
        api.PassDeadline(open);

        await (await api.As(anchor.Key).PatchNeedAsync(open.Id(), new { title = "Stale" }, openETag))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "precondition.failed");
    }

    // ---- merge-patch semantics and validation ----

    [Theory]
    [InlineData("title")]
    [InlineData("categoryCode")]
    [InlineData("quantityPerMonth")]
    [InlineData("unit")]
    [InlineData("deliverySiteId")]
    [InlineData("currentLocalShare")]
    [InlineData("annualValue")]
    public async Task Null_on_a_required_field_is_400_naming_it_and_changes_nothing(string field)
    {
        var (anchor, draft, etag) = await DraftAsync();
        var problem = await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), $$"""{"{{field}}":null}""", etag)).ExpectFieldErrorAsync(field);
        Assert.Equal([field], problem["errors"]!.AsObject().Select(e => e.Key));
        await AssertUnchangedAsync(anchor, draft, etag);
    }

    [Fact]
    public async Task Null_on_optional_fields_restores_their_defaults()
    {
        var (anchor, draft, etag) = await DraftAsync(b =>
        {
            b["requiredCertifications"] = new JsonArray("ISO9001");
            b["minLocalShare"] = 0.25;
            b["currency"] = "EUR";
            b["scope"] = "radius";
            b["radiusKm"] = 40;
            b["weights"] = new JsonObject { ["proximity"] = 0.6, ["capability"] = 0.2, ["localization"] = 0.2 };
            b["proximityScaleKm"] = 75;
        });

        var patched = await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), """
            {"requiredCertifications":null,"minLocalShare":null,"currency":null,"scope":null,"radiusKm":null,
             "weights":null,"proximityScaleKm":null}
            """, etag)).ExpectAsync(HttpStatusCode.OK);

        Assert.Empty(patched["requiredCertifications"]!.AsArray());
        Assert.Equal(0d, (double)patched["minLocalShare"]!);
        Assert.Equal("RUB", (string?)patched["currency"]);
        Assert.Equal("cluster", (string?)patched["scope"]);
        Assert.Null(patched["radiusKm"]);
        Assert.Null(patched["weights"]);
        Assert.Null(patched["proximityScaleKm"]);
        foreach (var field in new[] { "title", "categoryCode", "quantityPerMonth", "unit", "deliverySiteId", "currentLocalShare", "annualValue" })
            Assert.Equal(draft[field]!.ToJsonString(), patched[field]!.ToJsonString());
        var (read, _) = await api.As(anchor.Key).ReadNeedAsync(draft.Id());
        Assert.Equal(patched.ToJsonString(), read.ToJsonString());
    }

    [Fact]
    public async Task Absent_fields_are_left_as_they_are()
    {
        var (anchor, draft, etag) = await DraftAsync(b => b["minLocalShare"] = 0.2);
        var patched = await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), new { annualValue = 10 }, etag)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(10m, (decimal)patched["annualValue"]!);
        foreach (var (key, value) in draft.AsObject().Where(p => p.Key != "annualValue"))
            Assert.Equal(value?.ToJsonString(), patched[key]?.ToJsonString());
    }

    [Fact]
    public async Task Weights_object_is_merged_key_by_key_as_json_merge_patch_defines()
    {
        // RFC 7396: an object in the patch is merged into the target object recursively; a null
        // member removes that key.
        var (anchor, draft, etag) = await DraftAsync(b =>
            b["weights"] = new JsonObject { ["proximity"] = 0.6, ["capability"] = 0.2, ["localization"] = 0.2 });

        var response = await api.As(anchor.Key).PatchNeedAsync(draft.Id(), """{"weights":{"proximity":0.1}}""", etag);
        var patched = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(0.1, (double)patched["weights"]!["proximity"]!);
        Assert.Equal(0.2, (double)patched["weights"]!["capability"]!);
        Assert.Equal(0.2, (double)patched["weights"]!["localization"]!);

        // Removing a key leaves weights without it: 400 naming it, nothing changed.
        var (current, currentETag) = await api.As(anchor.Key).ReadNeedAsync(draft.Id());
        await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), """{"weights":{"capability":null}}""", currentETag))
            .ExpectFieldErrorAsync("weights.capability");
        await AssertUnchangedAsync(anchor, current, currentETag);
    }

    [Fact]
    public async Task Partial_weights_on_a_need_without_weights_is_400()
    {
        var (anchor, draft, etag) = await DraftAsync();
        await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), """{"weights":{"proximity":0.5,"capability":0.5}}""", etag))
            .ExpectFieldErrorAsync("weights.localization");
        await AssertUnchangedAsync(anchor, draft, etag);
    }

    [Fact]
    public async Task Patch_result_is_validated_as_a_whole()
    {
        // radiusKm is only for scope radius: setting the scope back without removing it is 400,
        // and scope radius without a radius is 400.
        var (anchor, draft, etag) = await DraftAsync(b =>
        {
            b["scope"] = "radius";
            b["radiusKm"] = 40;
        });
        await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), new { scope = "region" }, etag)).ExpectFieldErrorAsync("radiusKm");
        await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), """{"radiusKm":null}""", etag)).ExpectFieldErrorAsync("radiusKm");
        await AssertUnchangedAsync(anchor, draft, etag);

        var patched = await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), """{"scope":"any","radiusKm":null}""", etag))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("any", (string?)patched["scope"]);
        Assert.Null(patched["radiusKm"]);
    }

    [Theory]
    [InlineData("title", """{"title":""}""")]
    [InlineData("categoryCode", """{"categoryCode":"25.6"}""")]
    [InlineData("quantityPerMonth", """{"quantityPerMonth":0}""")]
    [InlineData("unit", """{"unit":"XYZ"}""")]
    [InlineData("currentLocalShare", """{"currentLocalShare":1.5}""")]
    [InlineData("minLocalShare", """{"minLocalShare":-1}""")]
    [InlineData("annualValue", """{"annualValue":-0.01}""")]
    [InlineData("currency", """{"currency":"XYZ"}""")]
    [InlineData("scope", """{"scope":"city"}""")]
    [InlineData("radiusKm", """{"radiusKm":5}""")]
    [InlineData("radiusKm", """{"scope":"radius"}""")]
    [InlineData("weights.localization", """{"weights":{"proximity":0.5,"capability":0.5}}""")]
    [InlineData("weights", """{"weights":{"proximity":0,"capability":0,"localization":0}}""")]
    [InlineData("proximityScaleKm", """{"proximityScaleKm":0}""")]
    [InlineData("requiredCertifications", """{"requiredCertifications":["-X"]}""")]
    [InlineData("title", """{"title":7}""")]
    [InlineData("id", """{"id":"0195f0a4-0000-7000-8000-000000000001"}""")]
    [InlineData("ownerId", """{"ownerId":"0195f0a4-0000-7000-8000-000000000001"}""")]
    [InlineData("status", """{"status":"open"}""")]
    [InlineData("bidDeadline", """{"bidDeadline":"2099-01-01T00:00:00Z"}""")]
    [InlineData("award", """{"award":null}""")]
    [InlineData("cancelReason", """{"cancelReason":null}""")]
    [InlineData("createdAt", """{"createdAt":"2026-03-02T09:00:00Z"}""")]
    public async Task Invalid_value_or_read_only_property_is_400_naming_it_and_changes_nothing(string field, string body)
    {
        var (anchor, draft, etag) = await DraftAsync();
        await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), body, etag)).ExpectFieldErrorAsync(field);
        await AssertUnchangedAsync(anchor, draft, etag);
    }

    [Fact]
    public async Task Delivery_site_of_another_company_is_400()
    {
        var (anchor, draft, etag) = await DraftAsync();
        var other = await api.CreateAnchorAsync();
        await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), new { deliverySiteId = other.SiteId }, etag))
            .ExpectFieldErrorAsync("deliverySiteId");
        await AssertUnchangedAsync(anchor, draft, etag);
    }

    [Fact]
    public async Task Invalid_body_without_if_match_is_400_before_428_and_with_a_stale_one_400_before_412()
    {
        var (anchor, draft, etag) = await DraftAsync();
        await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), new { quantityPerMonth = -1 }, ifMatch: null))
            .ExpectFieldErrorAsync("quantityPerMonth");
        await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), """{"title":null}""", ifMatch: null)).ExpectFieldErrorAsync("title");
        await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), new { status = "open" }, ifMatch: null)).ExpectFieldErrorAsync("status");
        await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), "{\"title\":", ifMatch: null))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), new { unit = "XYZ" }, "\"stale\"")).ExpectFieldErrorAsync("unit");
        await AssertUnchangedAsync(anchor, draft, etag);
    }

    [Theory]
    [InlineData("application/merge-patch+json")]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    public async Task Merge_patch_and_plain_json_content_types_are_accepted(string contentType)
    {
        var (anchor, draft, etag) = await DraftAsync();
        var patched = await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), new { title = "Typed" }, etag, contentType))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Typed", (string?)patched["title"]);
    }

    [Fact]
    public async Task Text_plain_is_415()
    {
        var (anchor, draft, etag) = await DraftAsync();
        await (await api.As(anchor.Key).PatchNeedAsync(draft.Id(), new { title = "Plain" }, etag, "text/plain"))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        await AssertUnchangedAsync(anchor, draft, etag);
    }

    // ---- who ----

    [Fact]
    public async Task Another_company_gets_404_for_a_draft_and_403_for_an_open_need()
    {
        var (anchor, draft, etag) = await DraftAsync();
        var open = await api.CreateOpenNeedAsync(anchor);
        var (openBefore, openETag) = await api.As(anchor.Key).ReadNeedAsync(open.Id());
        var other = await api.CreateAnchorAsync();
        var supplier = await api.CreateSupplierAsync();
        var partner = await api.CreatePartnerAsync();
        await api.GrantAsync(supplier.Company, partner);

        foreach (var client in new[] { api.As(other.Key), api.As(supplier.Key), api.AsPartner(partner, supplier.Id) })
        {
            await client.PatchNeedAsync(draft.Id(), new { title = "Hijacked" }, etag).ExpectNotFoundAsync();
            await (await client.PatchNeedAsync(open.Id(), new { title = "Hijacked" }, openETag)).ExpectAsync(HttpStatusCode.Forbidden);
            // 403 before 400 and 428.
            await (await client.PatchNeedAsync(open.Id(), new { title = "" }, ifMatch: null)).ExpectAsync(HttpStatusCode.Forbidden);
        }

        await AssertUnchangedAsync(anchor, draft, etag);
        await AssertUnchangedAsync(anchor, openBefore, openETag);
    }
}

public sealed class PatchNeedTestsOnSqlite(SqliteApi api) : PatchNeedTests(api), IClassFixture<SqliteApi>;
public sealed class PatchNeedTestsOnPostgres(PostgresApi api) : PatchNeedTests(api), IClassFixture<PostgresApi>;
