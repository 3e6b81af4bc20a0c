using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace GeoDense.Worker.Tests;

/// <summary>The job API as a test uses it: submit, read, and wait (polling, with a generous deadline) for a final state.</summary>
public sealed class WorkerClient(string baseUrl, string? apiKey = WorkerFiles.ApiKey) : IDisposable
{
    public HttpClient Http { get; } = CreateClient(baseUrl, apiKey);

    static HttpClient CreateClient(string baseUrl, string? apiKey)
    {
        var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null) http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return http;
    }

    public static object SegmentationJob(string output, params string[] inputs) =>
        new { task = "segmentation", pipeline = "demo-segmentation", weights = "weights.safetensors", inputs, output };

    public async Task<(HttpStatusCode Status, JsonElement Body)> Post(object job)
    {
        using var response = await Http.PostAsJsonAsync("/jobs", job);
        return (response.StatusCode, await Body(response));
    }

    public async Task<string> Submit(object job)
    {
        var (status, body) = await Post(job);
        Assert.True(status == HttpStatusCode.Created, $"POST /jobs: {(int)status} {body}");
        return body.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> Status(string id)
    {
        using var response = await Http.GetAsync($"/jobs/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Body(response);
    }

    public async Task<JsonElement> WaitForEnd(string id, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var status = await Status(id);
            var state = status.GetProperty("state").GetString();
            if (state is "succeeded" or "failed" or "cancelled") return status;
            if (DateTime.UtcNow > until) throw new TimeoutException($"job {id} still {state} after {deadline}: {status}");
            await Task.Delay(250);
        }
    }

    public static async Task<JsonElement> Body(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose() => Http.Dispose();
}
