using System.IO.Compression;
using GeoDense.Tasks.Detection.Dota;

namespace GeoDense.Tasks.Tests.Detection;

public class Task1SubmissionTests
{
    static Dictionary<string, List<Task1Detection>> Sample() => new()
    {
        ["plane"] = [new("P0002", 0.5, new Quad(1, 2, 3, 4, 5, 6, 7, 8)), new("P0001", 0.25, new Quad(1.234, 2, 3, 4, 5, 6, 7, 8.5)),
                     new("P0001", 0.75f, new Quad(0, 0, 10, 0, 10, 10, 0, 10))],
        ["ship"] = [new("P0003", 0.125, new Quad(10, 20, 30, 40, 50, 60, 70, 80))],
    };

    [Fact]
    public void Every_class_gets_a_file_with_lines_by_image_then_score()
    {
        var dir = Directory.CreateTempSubdirectory("task1").FullName;
        try
        {
            var written = Task1Submission.WriteFolder(dir, DotaClasses.V1, Sample());
            Assert.Equal(15, written.Count);
            Assert.Equal("", File.ReadAllText(Path.Combine(dir, "Task1_helicopter.txt")));
            Assert.Equal(
                "P0001 0.75 0 0 10 0 10 10 0 10\nP0001 0.25 1.23 2 3 4 5 6 7 8.5\nP0002 0.5 1 2 3 4 5 6 7 8\n",
                File.ReadAllText(Path.Combine(dir, "Task1_plane.txt")));
            var back = Task1Submission.Read(dir);
            Assert.Equal(15, back.Count);
            Assert.Equal(3, back["plane"].Count);
            Assert.Empty(back["helicopter"]);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void The_zip_holds_the_files_at_its_root_and_two_runs_give_the_same_bytes()
    {
        var dir = Directory.CreateTempSubdirectory("task1zip").FullName;
        try
        {
            string a = Path.Combine(dir, "a.zip"), b = Path.Combine(dir, "b.zip");
            Task1Submission.WriteZip(a, DotaClasses.V1, Sample());
            Thread.Sleep(1100);   // a clock in the bytes would show across a second boundary
            Task1Submission.WriteZip(b, DotaClasses.V1, Sample());
            Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
            using (var zip = ZipFile.OpenRead(a))
                Assert.Equal(DotaClasses.V1.Select(c => $"Task1_{c}.txt"), zip.Entries.Select(e => e.FullName));
            var back = Task1Submission.Read(a);
            Assert.Equal(Task1Submission.Format(Sample()["ship"]), Task1Submission.Format(back["ship"]));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_bad_line_names_the_file_and_line()
    {
        var e = Assert.Throws<DotaFormatException>(() =>
            Task1Submission.Parse(["P1 0.5 1 2 3 4 5 6 7 8", "P1 high 1 2 3 4 5 6 7 8"], "Task1_ship.txt").ToList());
        Assert.Equal("Task1_ship.txt:2: score 'high' is not a number", e.Message);
        var missing = Assert.Throws<DotaFormatException>(() => Task1Submission.Read("/nonexistent/sub.zip"));
        Assert.StartsWith("/nonexistent/sub.zip: submission not found", missing.Message);
    }
}
