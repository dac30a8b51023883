// Role names as people read them. Kept apart from anything server-side so that client
// components (the role badge, the user dialogs) and the server (audit summaries, action
// messages) take their words from the same place.
import type { Role } from "@/lib/generated/prisma/enums";

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Administrator",
  manager: "Manager",
  viewer: "Viewer",
};
