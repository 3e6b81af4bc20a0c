namespace GeoDense.Geo.Tests;

public class PreviewFontTests
{
    [Fact]
    public void A_missing_font_is_an_error_that_names_the_package_not_blank_text()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PreviewFont.Find(["No Such Font"], ["/nonexistent/NoSuchFont.ttf"]));
        Assert.Contains("fonts-dejavu-core", error.Message);
        Assert.Contains("No Such Font", error.Message);
    }

    [Fact]
    public void A_family_the_font_manager_lacks_is_loaded_from_its_file()
    {
        const string file = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";   // fonts-dejavu-core, installed by ./geodense
        var (typeface, path) = PreviewFont.Find(["No Such Font"], [file]);
        Assert.Equal(("DejaVu Sans", file), (typeface.FamilyName, path));
    }

    [Fact]
    public void Pictures_use_dejavu_sans_found_by_name()
    {
        Assert.Equal("DejaVu Sans", PreviewFont.FamilyName);
        Assert.Null(PreviewFont.FilePath);
    }
}
