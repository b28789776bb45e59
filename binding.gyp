{
  "targets": [
    {
      "target_name": "wireseal_pcap",
      "sources": ["native/wireseal_pcap.c"],
      "libraries": ["-lpcap"],
      "cflags": ["-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"],
      "defines": ["_GNU_SOURCE"]
    }
  ]
}
