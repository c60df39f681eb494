import { buildRegistrarImage, connect, DEFAULT_REGISTRAR_IMAGE, type RegistrarImage } from '@arm64kit/docker';
import { Flags } from '@oclif/core';
import { archDescription, resolveArch } from '../../lib/arch-flag.js';
import { BaseCommand } from '../../lib/base-command.js';
import { interruptSignal, progressLine } from '../../lib/docker-cli.js';

export default class DockerRegistrar extends BaseCommand {
  static override summary = 'Build a registration image: binfmt handlers set up through the engine';
  static override description =
    `Builds, FROM scratch and without a registry, an image holding this machine's static busybox (apt-get install busybox-static) and the qemu-user-static interpreters for --arch. \`arm64kit docker emulation setup --via image\` (and setupEmulation in @arm64kit/docker) runs it to register handlers on the engine's kernel without root on this host; with F the kernel keeps the image's interpreter open, so containers need no copy of it.

It can be run by hand too, e.g. to list the kernel's entries: docker run --rm --cap-add SYS_ADMIN ${DEFAULT_REGISTRAR_IMAGE}`;
  static override examples = [
    '<%= config.bin %> docker registrar',
    '<%= config.bin %> docker registrar --arch arm64 --arch riscv64 -t example/registrar:latest',
  ];
  static override flags = {
    arch: Flags.string({
      description: archDescription(
        'CPU whose interpreter the image carries (repeatable)',
        undefined,
        'aarch64',
        'any CPU Docker has a platform for (aarch64, riscv64, arm, s390x, ppc64le…)',
      ),
      helpValue: 'ARCH',
      multiple: true,
    }),
    tag: Flags.string({ char: 't', description: 'name for the image', default: DEFAULT_REGISTRAR_IMAGE }),
    busybox: Flags.string({ description: 'a statically linked busybox (default /bin/busybox)' }),
  };

  async run(): Promise<RegistrarImage> {
    const { flags } = await this.parse(DockerRegistrar);
    const architectures = flags.arch?.map((arch) => resolveArch(arch, { who: 'docker registrar' }));
    const engine = await connect();
    const interrupt = interruptSignal();
    try {
      this.note(`building ${flags.tag}`);
      const image = await buildRegistrarImage(engine, {
        tag: flags.tag,
        ...(architectures ? { architectures } : {}),
        ...(flags.busybox ? { busybox: flags.busybox } : {}),
        signal: interrupt.signal,
        onProgress: (event) => {
          const line = progressLine(event);
          if (line) this.note(line);
        },
      });
      if (!this.jsonEnabled()) this.log(image.reference);
      return image;
    } finally {
      interrupt.dispose();
    }
  }
}
