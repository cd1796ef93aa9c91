{
  "targets": [
    {
      "target_name": "legacy_codecs",
      "sources": ["legacy-nan.cc"],
      "include_dirs": ["<!(node -e \"require('nan')\")"]
    }
  ]
}
