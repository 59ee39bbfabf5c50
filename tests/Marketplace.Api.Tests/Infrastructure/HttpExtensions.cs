using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.Api.Tests.Infrastructure;

public static class HttpExtensions
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.SendJsonAsync(HttpMethod.Post, path, body);

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string path, object body,
        string contentType = "application/merge-patch+json", string? ifMatch = null) =>
        client.SendJsonAsync(HttpMethod.Patch, path, body, contentType, ifMatch);

    /// `body` is sent as is when it is a string (malformed JSON on purpose), else serialized.
    public static Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, HttpMethod method, string path, object body,
        string contentType = "application/json", string? ifMatch = null)
    {
        var text = body as string ?? JsonSerializer.Serialize(body);
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(text, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("Empty body.");

    /// Asserts the status and answers the JSON body.
    public static async Task<JsonNode> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    /// Asserts a problem+json answer with this status and code; answers the problem.
    public static async Task<JsonNode> ExpectProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await response.ExpectAsync(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (string?)problem["code"]);
        Assert.Equal((int)status, (int?)problem["status"]);
        return problem;
    }

    /// Asserts a 400 whose `errors` names this field.
    public static async Task<JsonNode> ExpectFieldErrorAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var errors = problem["errors"]?.AsObject() ?? throw new Xunit.Sdk.XunitException("No errors in the problem.");
        Assert.True(errors.ContainsKey(field), $"Expected an error for '{field}', got: {errors.ToJsonString()}");
        return problem;
    }
}
