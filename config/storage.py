"""Static file storage: WhiteNoise's compressed copies under hashed names."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Production runs `collectstatic`, which writes the manifest of hashed names. Where
    nothing was collected (development, the test suite) there is no manifest at all, and the
    plain names are used; with a manifest, a file missing from it is still an error."""

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        return super().stored_name(name)
